import type * as z from 'zod/mini';
import type { ChainedEvent } from '../../shared/adapters/audit';
import {
  ACTION_LABELS,
  type ActionType,
  circuitOfDossier,
  correctionsEtatAcompte,
  type Dossier,
  type InterestBasis,
  interestBasisOf,
  isPieceAction,
  type Montants,
  miseEnPaiementRemontee,
  type PendingAction,
  type PendingActor,
  type Piece,
  STATE_LABELS,
} from '../../shared/domain/circuits';
import type { DgpClockView, DgpPicture } from '../../shared/domain/dgp';
import { toAmountString } from '../../shared/schemas/common';
import type {
  attenteOutput,
  delaiOutput,
  dossierOutput,
  dossierResumeOutput,
  evenementOutput,
  resultatActionOutput,
} from '../../shared/schemas/dossier';
import { etatAcompteJson } from '../../shared/schemas/etat-acompte';
import type { ActResult, DossierRecord } from '../../shared/services/decisions';
import type { DossierService } from '../../shared/services/dossier-service';

/**
 * From the stored aggregate and the rule book's answers to the wire (French field names, amounts as strings).
 * Presentation only: every decision shown here (who acts, until when, interest) comes from shared/domain.
 */

type Out<S extends z.ZodMiniType> = z.output<S>;

export function montantsJson(m: Montants | undefined) {
  return m
    ? { ht: toAmountString(m.htCents), tva: toAmountString(m.tvaCents), ttc: toAmountString(m.ttcCents) }
    : undefined;
}

function actionsJson(types: readonly ActionType[]) {
  return types.map((type) => ({ type, libelle: ACTION_LABELS[type], envoieUnePiece: isPieceAction(type) }));
}

function pendingActorJson(p: PendingActor) {
  return { siret: p.actorSiret, role: p.actorRole, actions: actionsJson(p.allowedActions) };
}

export function attenteJson(p: PendingAction | null): Out<typeof attenteOutput> | null {
  if (!p) return null;
  return {
    etape: p.step,
    libelle: STATE_LABELS[p.step],
    depuis: p.since,
    acteur: pendingActorJson(p),
    autresActeurs: p.otherActors.map(pendingActorJson),
    dernierJour: p.lastDay,
    expireA: p.deadlineAt,
    relanceA: p.reminderAt,
    source: p.deadline?.source ?? null,
    aExpiration: p.onTimeout?.description ?? null,
    enRetardDepuis: p.lateSince,
  };
}

/** The actions the caller's structure may do now, as the rule book publishes them. */
export function actionsOf(p: PendingAction | null, siret: string) {
  if (!p) return [];
  const mine = [p, ...p.otherActors].filter((a) => a.actorSiret === siret).flatMap((a) => a.allowedActions);
  return actionsJson([...new Set(mine)]);
}

/** Basis points → a percentage with two decimals, "12.15" (no floating point). */
function percent(bp: number): string {
  return `${Math.trunc(bp / 100)}.${String(Math.abs(bp % 100)).padStart(2, '0')}`;
}

export function delaiJson(v: DgpClockView | null, d?: Dossier): Out<typeof delaiOutput> | null {
  if (!v) return null;
  const interest = v.lateInterest;
  const basis = d && interestBasisOf(d);
  return {
    statut: v.status,
    auJour: v.asOf,
    ...(v.start ? { debut: v.start } : {}),
    ...(v.echeance ? { echeance: v.echeance } : {}),
    ...(v.echeanceEndsAt ? { echeanceFinA: v.echeanceEndsAt.toISOString() } : {}),
    ...(v.holder ? { detenteur: v.holder } : {}),
    datePaiement: v.paidOn,
    ...(v.paymentDateUnknown
      ? {
          datePaiementInconnue:
            "Date de mise en paiement inconnue : l'acheteur ne remonte pas le statut « mise en paiement » ; le circuit s'arrête au mandatement. Les jours de retard sont comptés jusqu'au mandatement (au moins) ; les intérêts moratoires courent jusqu'à la mise en paiement effective, qu'il faut obtenir du service financier.",
        }
      : {}),
    suspendu: v.suspended,
    ...(v.suspension
      ? {
          suspension: {
            le: v.suspension.on,
            documentsManquants: [...v.suspension.missingDocuments],
            ...(v.suspension.resumedOn ? { repriseLe: v.suspension.resumedOn } : {}),
            joursRestantsALaSuspension: v.suspension.daysLeftAtSuspension,
            nouveauDelaiJours: v.suspension.newDelayDays,
            echeanceAvantSuspension: v.suspension.echeanceBeforeSuspension,
          },
        }
      : {}),
    joursEcoules: v.daysElapsed,
    joursSuspendus: v.daysSuspended,
    joursParActeur: { ...v.daysUsedBy },
    joursRestants: v.daysLeft,
    joursDeRetard: v.daysLate,
    indemniteForfaitaire: toAmountString(v.indemnityCents),
    ...(interest?.ok
      ? {
          interetsMoratoires: {
            jours: interest.value.days,
            depuis: interest.value.interestFrom,
            semestre: interest.value.halfYearStart,
            tauxBce: percent(interest.value.ecbRateBp),
            taux: percent(interest.value.rateBp),
            base: toAmountString(interest.value.baseCents),
            ...(basis && basis.baseCents === interest.value.baseCents ? { assiette: assietteJson(basis) } : {}),
            montant: toAmountString(interest.value.interestCents),
            total: toAmountString(interest.value.totalCents),
          },
        }
      : {}),
    ...(v.picture.interestUnavailable ? { interetsNonCalculables: { ...v.picture.interestUnavailable } } : {}),
    ...pictureJson(v.picture),
  };
}

function assietteJson(b: InterestBasis) {
  return {
    piece: `${b.pieceCadre} n° ${b.pieceNumero}`,
    depuisEtatAcompte: b.fromEtatAcompte,
    montantDu: toAmountString(b.amountDueCents),
    retenueGarantie: toAmountString(b.retenueGarantieCents),
    base: toAmountString(b.baseCents),
    calcul: b.calcul,
  };
}

/** The DGP picture's figures (shared/domain/dgp/picture.ts), for the portal's timeline. */
function pictureJson(p: DgpPicture) {
  return {
    periodes: p.periods.map((x) => ({ detenteur: x.holder, du: x.from, au: x.to, jours: x.days, enRetard: x.late })),
    ...(p.suspension
      ? {
          periodeSuspendue: {
            du: p.suspension.from,
            au: p.suspension.to,
            jours: p.suspension.days,
            enCours: p.suspension.open,
          },
        }
      : {}),
    ...(p.lateSince ? { enRetardDepuis: p.lateSince } : {}),
    joursDeRetardParActeur: { ...p.daysLateBy },
  };
}

export function evenementJson(e: ChainedEvent): Out<typeof evenementOutput> {
  const { pieceId, ...details } = (e.details ?? {}) as Record<string, unknown>;
  return {
    seq: e.seq,
    le: e.at,
    type: e.type,
    ...(e.actorSiret ? { acteurSiret: e.actorSiret } : {}),
    ...(e.actorRole ? { acteurRole: e.actorRole } : {}),
    ...(e.userId ? { utilisateurId: e.userId } : {}),
    ...(typeof pieceId === 'string' ? { pieceId } : {}),
    ...(Object.keys(details).length > 0 ? { details } : {}),
    ...(e.fileHashes?.length ? { empreintesFichiers: [...e.fileHashes] } : {}),
  };
}

function pieceJson(p: Piece, certificates: ReadonlyMap<string, string>, pieces: readonly Piece[]) {
  const certificat = certificates.get(p.id);
  const before = pieces.find((x) => x.id === p.previousPieceId)?.etatAcompte;
  return {
    id: p.id,
    cadre: p.cadre,
    numero: p.numero,
    statut: p.status,
    deposantSiret: p.depositorSiret,
    deposantRole: p.depositorRole,
    deposeeLe: p.depositedAt,
    ...(p.montants ? { montants: montantsJson(p.montants) } : {}),
    ...(p.etatAcompte
      ? { etatAcompte: etatAcompteJson(p.etatAcompte, before && correctionsEtatAcompte(before, p.etatAcompte)) }
      : {}),
    pieceAssocieeId: p.previousPieceId,
    ...(p.destinataire ? { destinataire: { ...p.destinataire } } : {}),
    ...(certificat ? { certificat } : {}),
  };
}

/** Piece items of the table (drafts and sent pieces, written by the piece service). */
interface PieceItem {
  readonly pieceId?: string;
  readonly status?: string;
  readonly cadre?: string;
  readonly numero?: string;
  readonly depositorSiret?: string;
  readonly createdAt?: string;
  readonly certificat?: string;
}

export function dossierJson(
  record: DossierRecord,
  pending: PendingAction | null,
  delai: DgpClockView | null,
  viewerSiret: string,
): Out<typeof dossierOutput> {
  const d: Dossier = record.state;
  const items = record.pieces as PieceItem[];
  const certificates = new Map(
    items.filter((i) => i.pieceId && i.certificat).map((i) => [i.pieceId as string, i.certificat as string]),
  );
  return {
    id: d.id,
    marcheId: d.marcheId,
    version: record.version,
    type: d.kind,
    origine: d.origin,
    circuit: circuitOfDossier(d),
    miseEnPaiementRemontee: miseEnPaiementRemontee(d),
    etat: d.state,
    libelleEtat: STATE_LABELS[d.state],
    statut: d.status,
    clos: d.closed,
    issue: d.outcome,
    ouvertLe: d.openedAt,
    majLe: d.updatedAt,
    parties: {
      fournisseur: { ...d.parties.fournisseur },
      titulaire: { ...d.parties.titulaire },
      valideurs: d.parties.valideurs.map((v) => ({ ...v })),
      moe: d.parties.moe ? { ...d.parties.moe } : null,
      moa: { ...d.parties.moa },
      serviceFinancier: { ...d.parties.serviceFinancier },
    },
    pieces: d.pieces.map((p) => pieceJson(p, certificates, d.pieces)),
    // docs/rules/documents.md#drafts-and-sending: drafts are visibly not sent, and only their depositor sees them
    brouillons: items
      .filter((i) => i.status === 'BROUILLON' && i.depositorSiret === viewerSiret)
      .map((i) => ({
        id: String(i.pieceId),
        cadre: String(i.cadre),
        numero: String(i.numero),
        ...(i.createdAt ? { creeLe: i.createdAt } : {}),
      })),
    attente: attenteJson(pending),
    mesActions: actionsOf(pending, viewerSiret),
    suspension: d.suspension
      ? {
          le: d.suspension.on,
          documentsManquants: [...d.suspension.documentsManquants],
          completeeLe: d.suspension.completedOn,
        }
      : null,
    refus: d.refus ? { par: { ...d.refus.by }, motif: d.refus.motif, le: d.refus.on } : null,
    complementsInformation: d.validations.flatMap((v) =>
      v.complementInformation ? [{ niveau: v.niveau, par: v.siret, le: v.on, texte: v.complementInformation }] : [],
    ),
    delai: delaiJson(delai, d),
    chronologie: record.events.map(evenementJson),
  };
}

export function resultatJson(
  result: ActResult,
  delai: DgpClockView | null,
  extra: { certificat?: string; message?: string } = {},
): Out<typeof resultatActionOutput> {
  const d = result.dossier;
  return {
    dossierId: d.id,
    version: result.version,
    etat: d.state,
    libelleEtat: STATE_LABELS[d.state],
    statut: d.status,
    statutPrecedent: result.previousStatus,
    clos: d.closed,
    attente: attenteJson(result.pending),
    delai: delaiJson(delai, d),
    evenements: result.events.map(evenementJson),
    ...(extra.certificat ? { certificat: extra.certificat } : {}),
    ...(extra.message ? { message: extra.message } : {}),
  };
}

/** A META item of the GSI2 "dossiers of a marché" index. */
export function dossierResumeJson(item: Record<string, unknown>): Out<typeof dossierResumeOutput> {
  const state = item.state as Dossier | undefined;
  const current = state?.pieces.find((p) => p.id === state.currentPieceId);
  return {
    id: String(item.pk).slice('DOSSIER#'.length),
    version: Number(item.version),
    ...(state ? { type: state.kind, origine: state.origin, etat: state.state } : {}),
    statut: String(item.status),
    ouvert: item.open === true,
    ...(state ? { fournisseurSiret: state.parties.fournisseur.siret } : {}),
    ...(current ? { pieceCourante: { cadre: current.cadre, numero: current.numero } } : {}),
    ouvertLe: String(item.createdAt),
    majLe: String(item.updatedAt),
  };
}

/** The DGP clock after an action, as of now, with the current ECB rate table. */
export function viewAfter(service: DossierService, result: ActResult): Promise<DgpClockView | null> {
  return service.currentClockView({ clock: result.clock, state: result.dossier } as DossierRecord);
}
