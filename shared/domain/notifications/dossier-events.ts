import {
  ACTION_LABELS,
  type ActionType,
  type Dossier,
  type DossierEvent,
  type DossierState,
  type PendingAction,
  STATE_LABELS,
} from '../circuits';
import { formatDateFr } from '../circuits/labels';
import { formatEuros } from '../money';
import {
  ACTION_TITLE_PREFIX,
  type Audience,
  type ExpectedAction,
  type NotificationIntent,
  type NotificationKind,
} from './kinds';

/**
 * What notifies whom when a dossier moves (issue 13; `docs/rules/notifications.md`). Pure: the service calls it with
 * the result of a transition and writes what it returns in the same DynamoDB transaction as the dossier (an outbox).
 */

/** The wait as it was before the transition (what the store read with the dossier). */
export interface PreviousWait {
  readonly step: string;
  readonly actorSiret: string;
  readonly otherActors?: readonly { readonly actorSiret: string }[];
  readonly onTimeout?: { readonly description: string } | null;
}

/** The DGP clock, as the service computed it when the échéance passed (for DGP_DEPASSE). */
export interface DgpFacts {
  readonly echeance: string | null;
  readonly daysLate: number;
  /** Interest accrued to date, when it could be computed (else the reason). */
  readonly interestCents?: number;
  readonly interestError?: string;
  readonly indemnityCents?: number;
}

export interface TransitionFacts {
  readonly dossier: Dossier;
  /** The dossier's version written by the transition: with the dossier's id, the stable source of its notifications. */
  readonly version: number;
  readonly events: readonly DossierEvent[];
  readonly pending: PendingAction | null;
  readonly previous: PreviousWait | null;
  readonly dgp?: DgpFacts;
}

const TACIT_EVENTS: readonly string[] = [
  'VALIDATION_TACITE',
  'DELAI_MOE_DEPASSE',
  'DG_NON_NOTIFIE_DANS_LE_DELAI',
  'DGD_PAR_SILENCE',
  'DGD_TACITE',
];

/** Piece events told to the piece's depositor and the company paid. */
const PIECE_EVENTS: Readonly<Record<string, NotificationKind>> = {
  PIECE_REFUSEE: 'PIECE_REFUSEE',
  MISE_A_RECYCLER: 'PIECE_A_RECYCLER',
  SUSPENDUE: 'PIECE_SUSPENDUE',
  REJETEE: 'PIECE_REJETEE',
  SERVICE_FAIT: 'SERVICE_FAIT',
  MANDATEE: 'MANDATEE',
  MISE_EN_PAIEMENT: 'MISE_EN_PAIEMENT',
};

/** The espace in which a structure follows or acts on the dossier at `step` (docs/rules/structures.md#spaces). */
export function spaceOf(d: Dossier, step: DossierState | string, siret: string): Audience['space'] {
  const validating = step === 'VALIDATION_1' || step === 'VALIDATION_2';
  return validating && d.parties.valideurs.some((v) => v.siret === siret) ? 'FACTURES_A_VALIDER' : 'FACTURES_TRAVAUX';
}

export function dossierSource(dossierId: string, version: number): string {
  return `DOSSIER#${dossierId}@v${version}`;
}

export function dossierLink(dossierId: string): string {
  return `/dossiers/${encodeURIComponent(dossierId)}`;
}

function currentNumero(d: Dossier): string | undefined {
  return d.pieces.find((p) => p.id === d.currentPieceId)?.numero;
}

function dossierLabel(d: Dossier): string {
  const numero = currentNumero(d);
  return numero ? `dossier ${d.id} (pièce n° ${numero})` : `dossier ${d.id}`;
}

/** The actions a wait opens to the structure `siret`, in French. */
export function expectedActionOf(p: PendingAction, siret: string): ExpectedAction {
  const actor = [p, ...p.otherActors].find((a) => a.actorSiret === siret) ?? p;
  const actions = actor.allowedActions.filter((a: ActionType) => a !== 'DELAI_EXPIRE');
  return {
    label: actions.map((a) => ACTION_LABELS[a]).join(' ou '),
    lastDay: p.lastDay,
    deadlineAt: p.deadlineAt,
    onSilence: p.onTimeout?.description ?? null,
  };
}

function actionLines(a: ExpectedAction): string[] {
  const lines = [`Action attendue : ${a.label}.`];
  if (a.lastDay) lines.push(`Délai : au plus tard le ${formatDateFr(a.lastDay)}.`);
  if (a.lastDay && a.onSilence) lines.push(`Sans réponse dans ce délai : ${a.onSilence}`);
  return lines;
}

function actorsOf(p: PendingAction | PreviousWait | null): string[] {
  if (!p) return [];
  return [...new Set([p.actorSiret, ...(p.otherActors ?? []).map((o) => o.actorSiret)])];
}

function uniqueAudience(entries: readonly Audience[]): Audience[] {
  const out = new Map<string, Audience>();
  for (const e of entries) {
    const seen = out.get(e.siret);
    out.set(e.siret, seen ? { ...seen, act: seen.act || e.act } : e);
  }
  return [...out.values()];
}

/** The notifications a dossier transition produces, at most one per kind; each audience lists a structure once. */
export function notificationsOfTransition(f: TransitionFacts): NotificationIntent[] {
  const d = f.dossier;
  const at = f.events[0]?.at ?? d.updatedAt;
  const base = {
    source: dossierSource(d.id, f.version),
    at,
    dossierId: d.id,
    marcheId: d.marcheId,
    numero: currentNumero(d),
    link: dossierLink(d.id),
  };
  const info = (siret: string): Audience => ({ siret, act: false, space: spaceOf(d, d.state, siret) });
  const depositorOf = (e: DossierEvent) => d.pieces.find((p) => p.id === e.pieceId)?.depositorSiret;
  const out: NotificationIntent[] = [];

  // New actors of the wait: an action is now expected from them (not from the structure that has just decided)
  const before = f.previous && f.previous.step === f.pending?.step ? actorsOf(f.previous) : [];
  const deciders = new Set(f.events.map((e) => e.actorSiret).filter((s): s is string => s !== null));
  const newActors = f.pending ? actorsOf(f.pending).filter((s) => !before.includes(s) && !deciders.has(s)) : [];

  for (const e of f.events) {
    const kind = PIECE_EVENTS[e.type];
    if (kind) {
      const depositor = depositorOf(e);
      out.push({
        ...base,
        kind,
        title: `${pieceTitle(kind)} — ${dossierLabel(d)}`,
        lines: pieceLines(kind, e, d),
        audience: uniqueAudience([...(depositor ? [info(depositor)] : []), info(d.parties.fournisseur.siret)]),
      });
    } else if (TACIT_EVENTS.includes(e.type)) {
      const silent = actorsOf(f.previous);
      const dgd = e.type === 'DGD_PAR_SILENCE' || e.type === 'DGD_TACITE';
      out.push({
        ...base,
        kind: 'ISSUE_TACITE',
        title: `Délai expiré — ${dossierLabel(d)}`,
        lines: [
          `Le délai de l'étape « ${STATE_LABELS[(f.previous?.step ?? d.state) as DossierState] ?? f.previous?.step} » est expiré sans réponse.`,
          f.previous?.onTimeout?.description ?? tacitFallback(e.type),
          `Le dossier est maintenant ${STATE_LABELS[d.state]}.`,
        ],
        audience: uniqueAudience([
          info(d.parties.fournisseur.siret),
          info(d.parties.titulaire.siret),
          ...silent.map(info),
          ...(dgd ? [...(d.parties.moe ? [info(d.parties.moe.siret)] : []), info(d.parties.moa.siret)] : []),
        ]),
      });
    } else if (e.type === 'RETARD_SIGNALE') {
      const step = String(e.details.etape ?? f.previous?.step ?? '');
      if (step === 'COMPLEMENT_FOURNISSEUR') {
        out.push({
          ...base,
          kind: 'ISSUE_TACITE',
          title: `Complément en retard — ${dossierLabel(d)}`,
          lines: [
            'Le délai laissé pour envoyer les documents manquants est dépassé.',
            f.previous?.onTimeout?.description ?? '',
          ].filter(Boolean),
          audience: uniqueAudience([info(d.parties.fournisseur.siret), info(d.parties.serviceFinancier.siret)]),
        });
      } else {
        out.push({
          ...base,
          kind: 'DGP_DEPASSE',
          title: `Délai global de paiement dépassé — ${dossierLabel(d)}`,
          lines: dgpLines(f.dgp),
          audience: uniqueAudience([
            info(d.parties.moa.siret),
            info(d.parties.serviceFinancier.siret),
            info(d.parties.fournisseur.siret),
          ]),
        });
      }
    }
  }

  // A structure told of its piece's fate and asked to act gets one notification: the action goes with it
  const pending = f.pending;
  const remaining: string[] = [];
  for (const siret of newActors) {
    const i = out.findIndex((n) => n.kind !== 'ISSUE_TACITE' && n.audience.some((a) => a.siret === siret));
    const told = i >= 0 ? out[i] : undefined;
    if (told && pending) {
      const action = expectedActionOf(pending, siret);
      out[i] = {
        ...told,
        action,
        lines: [...told.lines, ...actionLines(action)],
        audience: told.audience.map((a) =>
          a.siret === siret ? { ...a, act: true, space: spaceOf(d, pending.step, siret) } : a,
        ),
      };
    } else remaining.push(siret);
  }
  if (pending && remaining.length > 0) {
    // One notification for the structures asked to act; the action shown is the primary actor's when it is one
    const action = expectedActionOf(pending, remaining[0] as string);
    out.push({
      ...base,
      kind: 'ACTION_ATTENDUE',
      title: `${ACTION_TITLE_PREFIX}${dossierLabel(d)}`,
      lines: [`Le dossier est ${STATE_LABELS[d.state]}.`, ...actionLines(action)],
      action,
      audience: remaining.map((siret) => ({ siret, act: true, space: spaceOf(d, pending.step, siret) })),
    });
  }
  return out;
}

/**
 * The reminder of a wait, `rappelJoursAvant` days before its last day (issue 13): to every structure that may act
 * in it, saying until when and what silence does. Its source is the wait (dossier and version): a wait is reminded
 * once.
 */
export function reminderOf(d: Dossier, p: PendingAction, at: string): NotificationIntent | null {
  if (!p.lastDay || !p.deadlineAt) return null;
  const action = expectedActionOf(p, p.actorSiret);
  return {
    kind: 'RAPPEL_ECHEANCE',
    source: `${dossierSource(d.id, p.dossierVersion)}#RAPPEL`,
    at,
    dossierId: d.id,
    marcheId: d.marcheId,
    numero: currentNumero(d),
    link: dossierLink(d.id),
    title: `Rappel : échéance le ${formatDateFr(p.lastDay)} — ${dossierLabel(d)}`,
    lines: [`Le dossier est ${STATE_LABELS[d.state]}.`, ...actionLines(action)],
    action,
    audience: actorsOf(p).map((siret) => ({ siret, act: true, space: spaceOf(d, p.step, siret) })),
  };
}

function pieceTitle(kind: NotificationKind): string {
  switch (kind) {
    case 'PIECE_REFUSEE':
      return 'Pièce refusée';
    case 'PIECE_A_RECYCLER':
      return 'Pièce à recycler';
    case 'PIECE_SUSPENDUE':
      return 'Pièce suspendue';
    case 'PIECE_REJETEE':
      return 'Pièce rejetée';
    case 'SERVICE_FAIT':
      return 'Service fait';
    case 'MANDATEE':
      return 'Pièce mandatée';
    default:
      return 'Mise en paiement';
  }
}

function pieceLines(kind: NotificationKind, e: DossierEvent, d: Dossier): string[] {
  const motif = (e.details.motif ?? e.details.motifs) as string | undefined;
  switch (kind) {
    case 'PIECE_REFUSEE':
      return [
        `La pièce a été refusée${motif ? ` (motif : ${motif})` : ''}.`,
        'Le dossier est clos ; pour être payé, déposez une nouvelle pièce dans un nouveau dossier.',
      ];
    case 'PIECE_A_RECYCLER':
      return [
        `Le service financier renvoie la pièce pour une erreur de destinataire${motif ? ` (motif : ${motif})` : ''}.`,
        "Corrigez le SIRET, le code service ou le numéro d'engagement et renvoyez la même pièce.",
      ];
    case 'PIECE_SUSPENDUE': {
      const docs = (e.details.documentsManquants as readonly string[] | undefined) ?? [];
      return [
        'Le service financier a suspendu le délai de paiement : des documents manquent.',
        ...(docs.length ? [`Documents manquants : ${docs.join(' ; ')}.`] : []),
        'Envoyez-les pour que le délai reprenne.',
      ];
    }
    case 'PIECE_REJETEE':
      return [
        `La pièce a été rejetée${motif ? ` (motif : ${motif})` : ''}.`,
        'Ce rejet est définitif : une nouvelle pièce doit porter un nouveau numéro.',
      ];
    case 'SERVICE_FAIT':
      return ['Le service financier a constaté le service fait.'];
    case 'MANDATEE':
      return ['La pièce a été mandatée.'];
    default: {
      const m = [...d.pieces].reverse().find((p) => p.montants)?.montants;
      return [`La pièce a été mise en paiement${m ? ` (${formatEuros(m.ttcCents)} TTC)` : ''}.`];
    }
  }
}

function tacitFallback(type: string): string {
  switch (type) {
    case 'VALIDATION_TACITE':
      return 'Le silence vaut acceptation : la pièce est validée.';
    case 'DELAI_MOE_DEPASSE':
      return "Le maître d'œuvre n'a pas statué : le titulaire peut saisir directement le maître d'ouvrage.";
    case 'DG_NON_NOTIFIE_DANS_LE_DELAI':
      return 'Le décompte général n’a pas été notifié : le titulaire peut engager la procédure tacite (A22).';
    default:
      return 'Le décompte général et définitif est formé.';
  }
}

function dgpLines(dgp: DgpFacts | undefined): string[] {
  const lines = ["L'échéance du délai global de paiement est passée : des intérêts moratoires sont dus."];
  if (!dgp) return lines;
  if (dgp.echeance) lines.push(`Échéance : ${formatDateFr(dgp.echeance)} (${dgp.daysLate} jour(s) de retard).`);
  if (dgp.interestCents !== undefined) {
    lines.push(`Intérêts moratoires à ce jour : ${formatEuros(dgp.interestCents)}, qui courent jusqu'au paiement.`);
  } else if (dgp.interestError) lines.push(`Intérêts moratoires : ${dgp.interestError}`);
  if (dgp.indemnityCents !== undefined) {
    lines.push(`Indemnité forfaitaire pour frais de recouvrement : ${formatEuros(dgp.indemnityCents)}.`);
  }
  return lines;
}
