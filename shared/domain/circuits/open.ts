import { type CalendarDate, compareDates } from '../calendar';
import { excerpt } from '../excerpt';
import type { Marche } from '../marche';
import type { ActionOf } from './actions';
import {
  CADRE_DEPOSITORS,
  CADRES_HORS_TRAVAUX,
  CADRES_NON_GERES,
  type CadreCode,
  isCadreCode,
  OPENING_CADRES,
} from './cadres';
import { delaiDepotProjetDecompteFinal } from './deadlines';
import { ROLE_LABELS } from './labels';
import { attachEtatAcompte, type Change, type EventSeed, newPiece, reach, reachMoaStep } from './ops';
import { type BuyerParams, type CircuitKind, circuitOf } from './organisation';
import { resolveParties } from './parties';
import { refusal } from './refusals';
import type { Actor, Dossier, Party, PieceStatus } from './types';

/** The opening cadre, checked (docs/rules/cadres.md), and the role in which the actor deposits it. */
function checkCadre(raw: string, actor: Actor): { cadre: CadreCode; role: Party['role'] } {
  const code = raw.trim().toUpperCase();
  const field = (message: string) => [{ path: 'piece.cadre', message }];
  if (!isCadreCode(code)) {
    const message = `Cadre de facturation « ${excerpt(raw)} » inconnu : utilisez un code de A4 à A25 (par exemple A4).`;
    throw refusal('CADRE_INCONNU', message, field(message));
  }
  const espace = CADRES_HORS_TRAVAUX[code];
  if (espace) {
    // docs/rules/cadres.md: A1/A2/A3/A21 are not works pieces
    const message = `Le cadre ${code} n'est pas une pièce de travaux : déposez-la dans l'espace « ${espace} ».`;
    throw refusal('CADRE_HORS_TRAVAUX', message, field(message));
  }
  if (CADRES_NON_GERES.includes(code)) {
    const message = `Le cadre ${code} n'est pas pris en charge par ce circuit (usage non documenté ou cadre non confirmé) : utilisez A4 (ou A9/A10, A12/A13) pour un acompte, A7 (ou A14) pour le solde.`;
    throw refusal('CADRE_NON_GERE', message, field(message));
  }
  if (!OPENING_CADRES[code]) {
    const message = `Le cadre ${code} se dépose en association avec la pièce précédente d'un dossier existant (« Déposer la pièce de facturation suivante »), pas pour ouvrir un dossier.`;
    throw refusal('CADRE_NON_INITIAL', message, field(message));
  }
  const allowed = CADRE_DEPOSITORS[code] ?? [];
  const role = allowed.find((r) => actor.roles.includes(r));
  if (!role) {
    // docs/rules/cadres.md: a depositor may only use the cadres of its role
    const mine = Object.entries(OPENING_CADRES)
      .filter(([c]) => (CADRE_DEPOSITORS[c as CadreCode] ?? []).some((r) => actor.roles.includes(r)))
      .map(([c]) => c);
    const message =
      `Le cadre ${code} est réservé à ${allowed.map((r) => ROLE_LABELS[r]).join(' ou à ')}` +
      (mine.length > 0
        ? ` ; dans vos rôles, ouvrez un dossier avec : ${mine.join(', ')}.`
        : ' ; vos rôles ne déposent pas de première pièce.');
    throw refusal('CADRE_NON_AUTORISE_POUR_ROLE', message, field(message));
  }
  return { cadre: code, role };
}

/** A5 opens the dossier when the marché has no MOE, A4 when it has one (organisation.ts). */
function checkCadreFitsCircuit(cadre: CadreCode, circuit: CircuitKind): void {
  const field = (message: string) => [{ path: 'piece.cadre', message }];
  if (circuit === 'SANS_MOE' && cadre === 'A4') {
    const message =
      "Ce marché ne désigne pas de maître d'œuvre : déposez votre état d'acompte (A5) au maître d'ouvrage, pas un projet de décompte mensuel (A4).";
    throw refusal('CADRE_INADAPTE_AU_CIRCUIT', message, field(message));
  }
  if (circuit !== 'SANS_MOE' && cadre === 'A5') {
    const message =
      "Ce marché désigne un maître d'œuvre : déposez votre projet de décompte mensuel (A4), dont il tire l'état d'acompte ; l'état d'acompte du titulaire (A5) sert aux marchés sans maître d'œuvre.";
    throw refusal('CADRE_INADAPTE_AU_CIRCUIT', message, field(message));
  }
}

function checkPastDate(value: CalendarDate | undefined, today: CalendarDate, path: string): void {
  if (value !== undefined && compareDates(value, today) > 0) {
    const message = `La date ${value} est dans le futur : indiquez une date passée.`;
    throw refusal('DATE_INVALIDE', message, [{ path, message }]);
  }
}

/** DEPOSER: the first piece opens the dossier (docs/rules/circuits.md). */
export function openDossier(
  marche: Marche,
  actor: Actor,
  action: ActionOf<'DEPOSER'>,
  now: Date,
  today: CalendarDate,
  buyer: BuyerParams,
): Change & { role: Party['role'] } {
  const { cadre, role } = checkCadre(action.piece.cadre, actor);
  const circuit = circuitOf(marche, buyer);
  checkCadreFitsCircuit(cadre, circuit);
  const sansMoe = circuit === 'SANS_MOE';
  const opening = OPENING_CADRES[cadre]!;
  const depositor: Party = { siret: actor.siret, role };
  const parties = resolveParties(marche, opening.origin, depositor);
  const solde = opening.kind === 'SOLDE';
  if (!solde && (action.receptionNotifieeLe !== undefined || action.pdfRecuMoaLe !== undefined)) {
    const message = 'Les dates de réception ne concernent que le projet de décompte final (A7, A14).';
    throw refusal('DATE_INVALIDE', message, [{ path: 'receptionNotifieeLe', message }]);
  }
  checkPastDate(action.receptionNotifieeLe, today, 'receptionNotifieeLe');
  checkPastDate(action.pdfRecuMoaLe, today, 'pdfRecuMoaLe');

  const validation = parties.valideurs.length > 0;
  const status: PieceStatus = validation
    ? 'A_VALIDER_1'
    : sansMoe
      ? 'MISE_A_DISPOSITION_MOA'
      : 'MISE_A_DISPOSITION_MOE';
  const piece = attachEtatAcompte(
    newPiece(
      now,
      undefined,
      { id: action.piece.id, numero: action.piece.numero, montants: action.piece.montants },
      cadre,
      depositor,
      null,
      status,
    ),
    action.piece.etatAcompte,
    marche,
  );
  // Without a MOE the MOA alone receives the projet de décompte final: its receipt stands for both (assumption)
  const pdfRecuMoe = solde && !validation ? today : null;
  let dossier: Dossier = {
    id: action.dossierId,
    marcheId: marche.id,
    kind: opening.kind,
    origin: opening.origin,
    params: {
      ccagVersion: marche.ccagVersion,
      delaiMoeJours: marche.delaiMoeJours,
      dgpJours: marche.dgpJours,
      receptionDemandesPaiement: marche.receptionDemandesPaiement,
      retenueGarantieBp: marche.retenueGarantieBp,
      circuit,
      miseEnPaiementRemontee: buyer.statutMiseEnPaiementRemonte,
    },
    parties,
    state: validation
      ? 'VALIDATION_1'
      : solde
        ? sansMoe
          ? 'NOTIFICATION_DG_MOA'
          : 'ETABLISSEMENT_PROJET_DG_MOE'
        : sansMoe
          ? 'VALIDATION_MOA'
          : 'EXAMEN_MOE',
    status,
    closed: false,
    outcome: null,
    version: 0,
    openedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    pieces: [piece],
    currentPieceId: piece.id,
    wait: { since: today, lateSince: null },
    validations: [],
    suspensionUsed: false,
    suspension: null,
    moeHorsDelai: false,
    dgp: null,
    solde: solde
      ? {
          receptionNotifieeLe: action.receptionNotifieeLe ?? null,
          pdfRecuMoeLe: pdfRecuMoe,
          // CCAG-T 2014 art. 13.4.2: the MOA receives the PDF too; by default the day the MOE has it (assumption H10)
          pdfRecuMoaLe: action.pdfRecuMoaLe ?? pdfRecuMoe,
          dgNotifieLe: null,
          projetDgTaciteLe: null,
          dgdLe: null,
          issueDg: null,
          reclamation: null,
          refusMotifs: null,
        }
      : null,
    refus: null,
  };

  const events: EventSeed[] = [{ type: 'PIECE_DEPOSEE', pieceId: piece.id, details: { cadre, numero: piece.numero } }];
  if (solde && action.receptionNotifieeLe) {
    // CCAG-T 2014 art. 13.3.2: PDF within 30 days of the réception; a late one is still received (13.3.3: the
    // MOE may otherwise draw it up d'office after a mise en demeure)
    const delai = delaiDepotProjetDecompteFinal(marche.ccagVersion, action.receptionNotifieeLe);
    if (compareDates(today, delai.lastDay) > 0) {
      events.push({
        type: 'DEPOT_HORS_DELAI',
        pieceId: piece.id,
        details: { dernierJour: delai.lastDay, source: delai.source },
      });
    }
  }
  const to = validation ? parties.valideurs[0]! : (parties.moe ?? parties.moa);
  events.push({
    type: 'MISE_A_DISPOSITION',
    pieceId: piece.id,
    details: { destinataireSiret: to.siret, destinataireRole: to.role },
  });

  let clockEffects: Change['clockEffects'] = [];
  if (!validation && !solde) {
    // docs/rules/dgp.md#start: monthly acompte, the DGP starts when the PDM reaches the receiver named in the marché
    const reached = sansMoe ? reachMoaStep(dossier, today) : reach(dossier, today, 'MOE');
    dossier = reached.dossier;
    clockEffects = reached.clockEffects;
  }
  return { dossier, events, clockEffects, role };
}
