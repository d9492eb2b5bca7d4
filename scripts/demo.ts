/**
 * `npm run demo`: drives the whole application through its HTTP API, against a running `npm start`
 * (http://localhost:3000, or DEMO_URL). Two dossiers of the demo marché (shared/seed/demo.ts, seeded by `npm start`):
 *
 * 1. A sous-traitant's monthly invoice in paiement direct: A9 → titulaire's validation → MOE's état d'acompte (A15,
 *    amounts corrected) → MOA's état d'acompte validé (A19) → service financier: service fait, mandaté, payé.
 * 2. A solde: projet de décompte final (A7) → projet de décompte général (A17) → décompte général (A20) → signed by
 *    the titulaire (A8) → paid 40 days later, i.e. late on purpose: the DGP clock shows who held the dossier, the
 *    days late, the 40 € indemnity and the interest (or why it cannot be computed).
 *
 * Every piece carries a real text PDF generated here (pdf-lib), uploaded through the presigned POST form the API
 * hands out, and verified by the platform before it is sent. The local clock is moved with POST /_local/clock;
 * sign-in tokens last 12 h of that clock, so every user signs in again after each move.
 */
import { addDays, calendarDate } from '../shared/domain/calendar';
import { ROLE_LABELS } from '../shared/domain/circuits';
import { halfYearLabel } from '../shared/domain/dgp/ecb-rates';
import { DEMO } from '../shared/seed/demo';
import {
  advanceClock,
  draftWithMainFile,
  type Json,
  type PieceSpec,
  pollVerified,
  type Session,
  signInAs,
} from '../test/integration/api/dossiers/client';

const BASE = (process.env.DEMO_URL ?? 'http://localhost:3000').replace(/\/$/, '');
/** Piece numbers are unique per structure for good: a suffix per run lets the demo run again on kept data. */
const RUN = Date.now().toString(36).slice(-6).toUpperCase();
const S = DEMO.sirets;

type Who = keyof typeof DEMO.users;
const as = {} as Record<Who, Session>;

async function signInAll(): Promise<void> {
  for (const [key, u] of Object.entries(DEMO.users)) {
    if (key === 'pending') continue; // attachment pending: refused everywhere
    try {
      as[key as Who] = await signInAs(BASE, u.login);
    } catch (e) {
      throw new Error(
        `${e instanceof Error ? e.message : String(e)}\n  Les comptes de démonstration sont chargés par « npm start » (shared/seed/boot.ts) : relancez-le.`,
      );
    }
  }
}

function fail(what: string, res: { status: number; body: Json }): never {
  const detail = res.body?.detail ? ` — ${res.body.code} : ${res.body.detail}` : ` — ${JSON.stringify(res.body)}`;
  throw new Error(`${what} : HTTP ${res.status}${detail}`);
}

function step(text: string): void {
  console.log(`\n▸ ${text}`);
}

/**
 * Dossiers the demo acts on: their version is read again after the clock moved (a deadline may have passed), and
 * `seen` counts the chronologie events already looked at.
 */
const tracked: { id: string; version: number; seen: number }[] = [];

async function moveClock(days: number, why: string): Promise<void> {
  const { now } = await advanceClock(BASE, { advanceDays: days });
  console.log(`  ⏱  +${days} j (${why}) → ${now.slice(0, 10)} ; reconnexion de chacun (jetons de 12 h)`);
  await signInAll();
  for (const d of tracked) {
    const res = await as.moa.get(`/v1/dossiers/${d.id}`);
    // What the platform did since the demo last looked (the workflow's own steps, deadlines that passed: tacit
    // effects, lateness), each with its date on the platform clock
    const events = res.body.chronologie as Json[];
    const fresh = events.slice(d.seen).filter((e) => e.acteurRole === 'SYSTEM' && e.type !== 'DELAI_DE_PAIEMENT');
    if (fresh.length > 0) {
      console.log(`     le système, sur ${d.id} : ${fresh.map((e) => `${e.type} (${e.le.slice(0, 10)})`).join(', ')}`);
    }
    d.seen = events.length;
    d.version = res.version ?? d.version;
  }
}

function invoiceLines(spec: PieceSpec, emitter: string, title: string): string[] {
  return [
    title,
    emitter,
    `Marche ${DEMO.numeroMarche} - Rehabilitation de l'ecole Jules Ferry, lot 2`,
    `SIRET client : ${S.moa}`,
    `Numero d'engagement : ${DEMO.engagementJuridique}`,
    `Numero de facture : ${spec.numero}`,
    ...(spec.montants
      ? [
          `Total HT : ${spec.montants.ht.replace('.', ',')} EUR`,
          `TVA 20 % : ${spec.montants.tva.replace('.', ',')} EUR`,
          `Total TTC : ${spec.montants.ttc.replace('.', ',')} EUR`,
        ]
      : []),
  ];
}

/** Draft, text PDF through the presigned form, wait for its verification; prints what the PDF suggested. */
async function draft(s: Session, path: string, spec: PieceSpec, title: string) {
  const d = await draftWithMainFile(s, path, spec, pollVerified(s));
  const f = d.draft.fichiers[0];
  if (f.verification.statut !== 'VERIFIE') fail(`vérification de ${f.nom}`, { status: 422, body: f.verification });
  const sugg = d.draft.suggestions ?? {};
  const read = Object.entries(sugg)
    .map(([k, v]) => `${k} ${(v as { valeur: string }).valeur}`)
    .join(', ');
  console.log(
    `  ${title} ${spec.cadre} n° ${spec.numero} : brouillon, ${f.nom} vérifié (sha256 ${f.verification.sha256.slice(0, 12)}…)`,
  );
  if (read) console.log(`    pré-remplissage lu dans le PDF (à confirmer, non appliqué) : ${read}`);
  return d;
}

async function openDossier(s: Session, spec: PieceSpec, title: string): Promise<{ id: string; version: number }> {
  const d = await draft(s, `/v1/marches/${DEMO.marcheId}/pieces`, spec, title);
  const sent = await s.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`, {});
  if (sent.status !== 201) fail(`envoi de ${spec.numero}`, sent);
  console.log(`  « ${sent.body.message} » — certificat ${sent.body.certificat}`);
  console.log(`  dossier ${d.dossierId} ouvert : ${sent.body.libelleEtat} (${sent.body.statut})`);
  const dossier = { id: d.dossierId, version: sent.version as number, seen: 0 };
  tracked.push(dossier);
  return dossier;
}

/** A follow-up piece: sent with « Valider et envoyer » (`via: 'envoyer'`) or by the action naming it. */
async function followUp(
  s: Session,
  dossier: { id: string; version: number },
  spec: PieceSpec & { type: string },
  title: string,
  via: 'envoyer' | 'action' = 'envoyer',
): Promise<void> {
  const d = await draft(s, `/v1/dossiers/${dossier.id}/pieces`, spec, title);
  const res = await withReload(dossier, () =>
    via === 'envoyer'
      ? s.post(
          `/v1/dossiers/${dossier.id}/pieces/${d.pieceId}/envoyer`,
          { type: spec.type },
          { ifMatch: dossier.version },
        )
      : s.post(
          `/v1/dossiers/${dossier.id}/actions`,
          { type: spec.type, pieceId: d.pieceId },
          { ifMatch: dossier.version },
        ),
  );
  if (res.status !== 200) fail(`${spec.type} (${spec.numero})`, res);
  dossier.version = res.version as number;
  console.log(`  « ${res.body.message} » → ${res.body.libelleEtat} (${res.body.statut})`);
}

async function act(s: Session, dossier: { id: string; version: number }, action: Record<string, unknown>) {
  const res = await withReload(dossier, () =>
    s.post(`/v1/dossiers/${dossier.id}/actions`, action, { ifMatch: dossier.version }),
  );
  if (res.status !== 200) fail(String(action.type), res);
  dossier.version = res.version as number;
  console.log(`  ${s.loginAddress} : ${action.type} → ${res.body.libelleEtat} (${res.body.statut})`);
}

/**
 * What a screen does on 412: reload the dossier and act again if the action is still offered. The platform may
 * change a dossier by itself between two clicks (a deadline passed: lateness flagged, tacit effect), which moves its
 * version.
 */
async function withReload(
  dossier: { id: string; version: number },
  send: () => Promise<{ status: number; body: Json; version?: number }>,
) {
  const first = await send();
  if (first.status !== 412) return first;
  const fresh = await as.moa.get(`/v1/dossiers/${dossier.id}`);
  const events = fresh.body.chronologie as Json[];
  const tail: string[] = [];
  for (let i = events.length - 1; i >= 0 && events[i].acteurRole === 'SYSTEM'; i--) tail.unshift(events[i].type);
  console.log(
    `     (412 : le système a modifié le dossier entre-temps — ${tail.join(', ') || 'nouvelle version'} ; rechargé)`,
  );
  dossier.version = fresh.version as number;
  return send();
}

const euros = (s: string) => `${s.replace('.', ',')} €`;

async function report(dossierId: string): Promise<void> {
  const d = (await as.moa.get(`/v1/dossiers/${dossierId}`)).body;
  const trail = (await as.moa.get(`/v1/dossiers/${dossierId}/historique`)).body;
  console.log(`\n  Chronologie du dossier ${dossierId} (${d.pieces.map((p: Json) => p.cadre).join(' → ')}) :`);
  for (const e of d.chronologie as Json[]) {
    const who = e.acteurRole ? (ROLE_LABELS[e.acteurRole as keyof typeof ROLE_LABELS] ?? e.acteurRole) : '';
    const piece = d.pieces.find((p: Json) => p.id === e.pieceId);
    const about = piece ? `${piece.cadre} n° ${piece.numero}` : '';
    console.log(`    ${e.le.slice(0, 10)} ${e.le.slice(11, 16)}  ${e.type.padEnd(28)} ${who.padEnd(22)} ${about}`);
  }
  console.log(
    `  Piste d'audit : ${trail.evenements.length} événements chaînés (SHA-256), vérification ${trail.verification.integre ? 'intègre' : `ROMPUE au n° ${trail.verification.rompuAuSeq}`}`,
  );
  const c = (await as.moa.get(`/v1/dossiers/${dossierId}/delai`)).body;
  console.log(`  Délai global de paiement : ${c.statut}, début ${c.debut ?? '—'}, échéance ${c.echeance ?? '—'}`);
  console.log(
    `    jours utilisés : maître d'œuvre ${c.joursParActeur.MOE}, maître d'ouvrage ${c.joursParActeur.MOA}, service financier ${c.joursParActeur.SERVICE_FINANCIER} (total ${c.joursEcoules}, suspendus ${c.joursSuspendus})`,
  );
  if (c.joursDeRetard > 0) {
    console.log(`    EN RETARD de ${c.joursDeRetard} jours : indemnité forfaitaire ${euros(c.indemniteForfaitaire)}`);
    if (c.interetsMoratoires) {
      const i = c.interetsMoratoires;
      console.log(
        `    intérêts moratoires : ${euros(i.montant)} (${i.jours} j × ${i.taux} % sur ${euros(i.base)}, taux BCE ${i.tauxBce} % du semestre ${i.semestre} + 8 points) ; total dû ${euros(i.total)}`,
      );
    } else if (c.interetsNonCalculables) {
      console.log(`    intérêts moratoires non calculés : ${c.interetsNonCalculables.message}`);
      if (c.interetsNonCalculables.code === 'TAUX_BCE_INCONNU') await explainUnknownRate(c.echeance);
    }
  } else {
    console.log(`    dans les temps : ${c.joursRestants} jours restaient à l'échéance`);
  }
}

/**
 * Why the interest is missing and what to do: the rate is data in the table, never guessed (docs/ecb-rates.md). The
 * demo's clock runs from real time, so it may reach a half-year whose rate nobody has recorded yet.
 */
async function explainUnknownRate(echeance: string | undefined): Promise<void> {
  // The table as the platform's operator reads it (GET /v1/taux-bce)
  const table = (await as.exploitant.get('/v1/taux-bce')).body as { taux?: { semestre: string; taux: string }[] };
  const last = table.taux?.at(-1);
  // Interest runs from the day after the échéance; its half-year gives the rate (décret 2013-269 art. 8)
  const half = echeance ? halfYearLabel(addDays(calendarDate(echeance), 1)) : 'concerné';
  console.log(
    [
      `    → Le taux de la BCE du ${half} n'est pas enregistré : il n'est jamais deviné ni reconduit.`,
      `      Dernier semestre enregistré : ${last ? `${halfYearLabel(calendarDate(last.semestre))} (${last.taux} %)` : 'aucun'}.`,
      '      Enregistrez-le (docs/ecb-rates.md) : npm run taux-bce -- relever (API de la BCE), ou',
      '      npm run taux-bce -- importer FICHIER.csv (export du portail de données de la BCE), ou POST /v1/taux-bce',
      '      en exploitant@demo.test ; les intérêts s’affichent sans redémarrer (dans la minute après un import).',
      '      L’indemnité forfaitaire de 40 € est due dans tous les cas.',
    ].join('\n'),
  );
}

async function waitForPlatform(): Promise<void> {
  for (let i = 0; i < 60; i++) {
    try {
      const res = await fetch(`${BASE}/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Aucune plateforme prête sur ${BASE} : lancez d'abord « npm start » (ou DEMO_URL=…).`);
}

async function main(): Promise<void> {
  console.log(`Démonstration « Factures de travaux » sur ${BASE} (marché ${DEMO.numeroMarche}, série ${RUN})`);
  await waitForPlatform();
  await signInAll();

  // ---------------------------------------------------------------------------------------------------------
  step('1. Facture mensuelle d’un sous-traitant en paiement direct');
  const a9: PieceSpec = {
    cadre: 'A9',
    numero: `ST-${RUN}-11`,
    montants: { ht: '18000.00', tva: '3600.00', ttc: '21600.00' },
  };
  const st = await openDossier(
    as.sousTraitant,
    { ...a9, pdfLines: invoiceLines(a9, 'Electricite Demo - SIRET 49212345600013', 'FACTURE (sous-traitant)') },
    'Sous-traitant :',
  );
  await moveClock(2, 'le titulaire examine la facture');
  await act(as.mandataire, st, { type: 'VALIDER' });
  await moveClock(5, "le maître d'œuvre établit l'état d'acompte");
  const a15: PieceSpec & { type: string } = {
    type: 'DEPOSER_ETAT_ACOMPTE',
    cadre: 'A15',
    numero: `EA-${RUN}-ST`,
    montants: { ht: '17500.00', tva: '3500.00', ttc: '21000.00' },
  };
  await followUp(
    as.moe,
    st,
    { ...a15, pdfLines: invoiceLines(a15, 'Atelier Archi Demo', "ETAT D'ACOMPTE (montants corriges)") },
    "Maître d'œuvre :",
    'action',
  );
  await moveClock(6, "le maître d'ouvrage valide");
  const a19: PieceSpec & { type: string } = {
    ...a15,
    type: 'VALIDER_ETAT_ACOMPTE',
    cadre: 'A19',
    numero: `EAV-${RUN}-ST`,
  };
  await followUp(
    as.moa,
    st,
    { ...a19, pdfLines: invoiceLines(a19, 'Commune de Bellerive', "ETAT D'ACOMPTE VALIDE") },
    "Maître d'ouvrage :",
  );
  await moveClock(4, 'le service financier constate le service fait');
  await act(as.serviceFinancier, st, { type: 'SERVICE_FAIT' });
  await moveClock(3, 'mandatement');
  await act(as.serviceFinancier, st, { type: 'MANDATER' });
  await act(as.serviceFinancier, st, { type: 'METTRE_EN_PAIEMENT' });
  await report(st.id);

  // ---------------------------------------------------------------------------------------------------------
  step('2. Solde du marché, payé en retard (exprès)');
  const a7: PieceSpec = { cadre: 'A7', numero: `PDF-${RUN}` };
  const solde = await openDossier(
    as.mandataire,
    { ...a7, pdfLines: invoiceLines(a7, 'Batiment Demo SAS', 'PROJET DE DECOMPTE FINAL') },
    'Titulaire :',
  );
  await moveClock(10, "le maître d'œuvre établit le projet de décompte général");
  const a17: PieceSpec & { type: string } = {
    type: 'DEPOSER_PROJET_DECOMPTE_GENERAL',
    cadre: 'A17',
    numero: `PDG-${RUN}`,
  };
  await followUp(
    as.moe,
    solde,
    { ...a17, pdfLines: invoiceLines(a17, 'Atelier Archi Demo', 'PROJET DE DECOMPTE GENERAL') },
    "Maître d'œuvre :",
  );
  await moveClock(8, "le maître d'ouvrage notifie le décompte général");
  const a20: PieceSpec & { type: string } = { type: 'NOTIFIER_DECOMPTE_GENERAL', cadre: 'A20', numero: `DG-${RUN}` };
  await followUp(
    as.moa,
    solde,
    { ...a20, pdfLines: invoiceLines(a20, 'Commune de Bellerive', 'DECOMPTE GENERAL') },
    "Maître d'ouvrage :",
  );
  await moveClock(6, 'le titulaire signe le décompte général');
  const a8: PieceSpec & { type: string } = {
    type: 'SIGNER_DG',
    cadre: 'A8',
    numero: `DGD-${RUN}`,
    montants: { ht: '42000.00', tva: '8400.00', ttc: '50400.00' },
  };
  await followUp(
    as.mandataire,
    solde,
    { ...a8, pdfLines: invoiceLines(a8, 'Batiment Demo SAS', 'DECOMPTE GENERAL SIGNE (DGD)') },
    'Titulaire :',
  );
  await moveClock(45, 'le service financier tarde : 30 jours de délai global de paiement dépassés');
  await act(as.serviceFinancier, solde, { type: 'SERVICE_FAIT' });
  await act(as.serviceFinancier, solde, { type: 'MANDATER' });
  await act(as.serviceFinancier, solde, { type: 'METTRE_EN_PAIEMENT' });
  await report(solde.id);

  const list = (await as.moe.get(`/v1/marches/${DEMO.marcheId}/dossiers?limite=10`)).body;
  console.log(`\nDossiers du marché (GET /v1/marches/${DEMO.marcheId}/dossiers) : ${list.dossiers.length} affichés`);
  for (const d of list.dossiers as Json[]) {
    console.log(
      `  ${d.id}  ${d.statut.padEnd(28)} ${d.pieceCourante ? `${d.pieceCourante.cadre} n° ${d.pieceCourante.numero}` : ''}`,
    );
  }
  console.log('\nDémonstration terminée.');
}

main().catch((e: unknown) => {
  console.error(`\nÉchec de la démonstration : ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
