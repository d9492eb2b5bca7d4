import type { CalendarDate } from '../calendar';
import { addDays } from '../calendar';
import type { DgpClock, DgpClockView } from '../dgp';
import { INTEREST_DAY_COUNT, INTEREST_MARGIN_BP } from '../dgp';
import { halfYearLabel } from '../dgp/ecb-rates';
import { formatRate } from '../money';

/**
 * The text of the dossier de preuve (docs/evidence-pack.md), as sections of lines: the PDF report and the draft claim
 * letter are laid out from it. Pure: everything comes from what the table held when the pack was built.
 */
export interface EvidenceFacts {
  readonly dossierId: string;
  readonly builtAt: string;
  readonly marche: { readonly numero: string; readonly objet: string; readonly dgpJours: number };
  readonly parties: readonly { readonly role: string; readonly siret: string; readonly name?: string }[];
  readonly pieces: readonly {
    readonly numero: string;
    readonly cadre: string;
    readonly depositedAt: string;
    readonly certificat?: string;
    readonly status: string;
    readonly montantTtc?: string;
  }[];
  readonly clock: DgpClock | undefined;
  readonly view: DgpClockView | null;
  readonly trail: { readonly events: number; readonly ok: boolean; readonly detail: string };
}

export interface Section {
  readonly title: string;
  readonly lines: readonly string[];
}

/** Euros from cents, French style, with ordinary spaces (PDF standard fonts have no narrow no-break space). */
export function euros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.trunc(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${sign}${units},${String(abs % 100).padStart(2, '0')} EUR`;
}

const HOLDER_LABELS: Readonly<Record<string, string>> = {
  MOE: "maître d'œuvre",
  MOA: "maître d'ouvrage",
  SERVICE_FINANCIER: 'service financier',
};

function dgpSteps(clock: DgpClock | undefined, view: DgpClockView | null): string[] {
  if (!clock?.start || !view) return ['Le délai global de paiement n’a pas commencé.'];
  const lines = [
    `Point de départ (jour 0) : ${clock.start} — réception de la demande de paiement par le destinataire désigné au marché (CCP R2192-21 à R2192-24 ; CCAG-T art. 3.2 pour le décompte des jours).`,
    `Durée : ${clock.dgpJours} jours (CCP R2192-10 ; décret 2013-269 art. 1er).`,
  ];
  const s = clock.suspension;
  if (s) {
    lines.push(
      `Suspension le ${s.on} (une seule fois, avant l’ordonnancement, pièces manquantes : ${s.missingDocuments.join(', ')}) — CCP R2192-28 ; décret 2013-269 art. 4.`,
      `Jours restants au jour de la suspension : ${s.daysLeftAtSuspension} (échéance antérieure ${s.echeanceBeforeSuspension}).`,
    );
    if (s.resumedOn) {
      lines.push(
        `Réponse complète reçue le ${s.resumedOn} : nouveau délai = max(30 ; ${s.daysLeftAtSuspension}) = ${s.newDelayDays} jours (CCP R2192-29).`,
      );
    } else {
      lines.push('La suspension est en cours : le délai est arrêté.');
    }
  }
  if (view.echeance) lines.push(`Échéance (dernier jour du délai) : ${view.echeance}.`);
  if (view.daysSuspended > 0) lines.push(`Jours de suspension, comptés à personne : ${view.daysSuspended}.`);
  return lines;
}

function interestLines(view: DgpClockView | null): string[] {
  if (!view || view.daysLate === 0)
    return ['Aucun retard à ce jour : ni intérêts moratoires ni indemnité forfaitaire.'];
  const lines = [
    `Retard : ${view.daysLate} jours, du ${addDays(view.echeance as CalendarDate, 1)} au ${view.asOf} inclus (CCP L2192-13, R2192-31).`,
  ];
  const li = view.lateInterest;
  if (li?.ok) {
    const v = li.value;
    lines.push(
      `Taux : taux de la BCE (opérations principales de refinancement) en vigueur le ${v.halfYearStart}, premier jour du ${halfYearLabel(v.halfYearStart)}, soit ${formatRate(v.ecbRateBp)} %, majoré de ${formatRate(INTEREST_MARGIN_BP)} points = ${formatRate(v.rateBp)} % (CCP R2192-31 ; décret 2013-269 art. 8).`,
      `Base : ${euros(v.baseCents)} (montant dû TTC, retenue de garantie déduite).`,
      `Intérêts = base × taux × jours / ${INTEREST_DAY_COUNT} = ${euros(v.baseCents)} × ${formatRate(v.rateBp)} % × ${v.days} / ${INTEREST_DAY_COUNT} = ${euros(v.interestCents)} (arrondi au centime).`,
      `Indemnité forfaitaire pour frais de recouvrement : ${euros(v.indemnityCents)} (CCP D2192-35 ; décret 2013-269 art. 9).`,
      `Total réclamable : ${euros(v.interestCents)} + ${euros(v.indemnityCents)} = ${euros(v.totalCents)}.`,
    );
  } else {
    lines.push(
      li
        ? `Intérêts non calculables : ${li.error.message}`
        : 'Intérêts non calculables : aucun montant n’est connu sur le dossier.',
      `Indemnité forfaitaire pour frais de recouvrement : ${euros(view.indemnityCents)} (CCP D2192-35).`,
    );
  }
  return lines;
}

export function evidenceReport(f: EvidenceFacts): Section[] {
  const view = f.view;
  return [
    {
      title: 'Marché et parties',
      lines: [
        `Marché n° ${f.marche.numero} — ${f.marche.objet}`,
        `Dossier ${f.dossierId} ; dossier de preuve établi le ${f.builtAt}.`,
        ...f.parties.map((p) => `${p.role} : ${p.name ? `${p.name}, ` : ''}SIRET ${p.siret}`),
      ],
    },
    {
      title: 'Chaîne des pièces',
      lines: f.pieces.map(
        (p, i) =>
          `${i + 1}. ${p.cadre} n° ${p.numero}, déposée le ${p.depositedAt}${p.certificat ? `, certificat de dépôt ${p.certificat}` : ''}, statut ${p.status}${p.montantTtc ? `, ${p.montantTtc} TTC` : ''}`,
      ),
    },
    { title: 'Délai global de paiement, étape par étape', lines: dgpSteps(f.clock, view) },
    {
      title: 'Jours par détenteur du dossier',
      lines: view ? Object.entries(view.daysUsedBy).map(([h, d]) => `${HOLDER_LABELS[h] ?? h} : ${d} jours`) : ['—'],
    },
    { title: 'Retard, intérêts moratoires et indemnité', lines: interestLines(view) },
    {
      title: 'Piste d’audit',
      lines: [
        `${f.trail.events} événements chaînés par SHA-256 ; vérification : ${f.trail.ok ? 'intègre' : 'ROMPUE'} (${f.trail.detail}).`,
        'Les documents, leurs empreintes (MANIFESTE.json, SHA256SUMS) et la piste (piste-audit.json) sont joints ; LISEZMOI.txt dit comment tout revérifier.',
      ],
    },
  ];
}

/** Draft claim letter (editable text) from the company to the buyer. */
export function claimLetter(f: EvidenceFacts, creditor: string, debtor: string): string {
  const v = f.view;
  const li = v?.lateInterest?.ok ? v.lateInterest.value : undefined;
  const last = f.pieces.at(-1);
  return [
    `${creditor}`,
    '',
    `À l’attention de ${debtor}`,
    '',
    `Objet : marché n° ${f.marche.numero} — demande de paiement des intérêts moratoires et de l’indemnité forfaitaire`,
    '',
    'Madame, Monsieur,',
    '',
    `Notre demande de paiement ${last ? `n° ${last.numero} (${last.cadre}, certificat de dépôt ${last.certificat ?? '—'})` : ''} relevant du marché cité en objet devait être réglée au plus tard le ${v?.echeance ?? '—'}, terme du délai global de paiement de ${f.marche.dgpJours} jours.`,
    v && v.daysLate > 0
      ? `Le paiement ${v.status === 'PAYE' ? `est intervenu le ${v.asOf}` : `n’était pas intervenu le ${v.asOf}`}, soit ${v.daysLate} jours de retard.`
      : '',
    '',
    'En application des articles L2192-13, R2192-31 et D2192-35 du code de la commande publique et des articles 8 et 9 du décret n° 2013-269 du 29 mars 2013, nous vous demandons le paiement :',
    li
      ? `- des intérêts moratoires : ${euros(li.baseCents)} × ${formatRate(li.rateBp)} % × ${li.days} / ${INTEREST_DAY_COUNT} = ${euros(li.interestCents)} ;`
      : '- des intérêts moratoires, à calculer au taux de la BCE majoré de huit points ;',
    `- de l’indemnité forfaitaire pour frais de recouvrement : ${euros(v?.indemnityCents ?? 4000)}.`,
    li ? `Soit un total de ${euros(li.totalCents)}.` : '',
    '',
    'Le détail du calcul, la chaîne des pièces avec leurs certificats de dépôt et la piste d’audit vérifiable figurent dans le dossier de preuve joint.',
    '',
    'Nous vous prions d’agréer, Madame, Monsieur, l’expression de nos salutations distinguées.',
    '',
    '[Nom, qualité et signature]',
    '',
  ].join('\n');
}
