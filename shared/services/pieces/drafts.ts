import { toFileRecord } from '../../adapters/dynamo/piece-items';
import { newId } from '../../adapters/ids';
import { checkSuggestedEngagement, checkSuggestedSiret } from '../../domain/addressee-suggestions';
import { cadreByCode } from '../../domain/cadres';
import { parisDateOf } from '../../domain/calendar';
import { type CadreCode, checkDraftEtatAcompte } from '../../domain/circuits';
import { MAX_PIECE_BYTES, validatePieceNumber } from '../../domain/documents';
import { DomainError } from '../../domain/errors';
import type { Marche } from '../../domain/marche';
import { checkAmountSigns, checkPieceDate } from '../../domain/piece-inputs';
import {
  assertDraftOf,
  checkDate,
  checkDraftCadre,
  checkMontants,
  type DraftPiece,
  type PieceActor,
  type PieceAddressee,
  type PieceFile,
  type PieceRecord,
  pieceNumberTaken,
  unknownPiece,
} from '../../domain/pieces';
import type { Suggestions } from '../../domain/prefill';
import { type SuggestedFields, suggestedFields } from './suggestions';
import type { CreateDraftInput, DraftEditInput, PieceDeps } from './types';

/**
 * Drafts: a piece before it is sent, with its number claimed for the depositor (piece numbers: 1–35 characters,
 * unique per depositing structure), its amounts and date, and its files.
 */

export async function createDraft(deps: PieceDeps, input: CreateDraftInput): Promise<DraftPiece> {
  const now = deps.clock.now();
  const numero = validatePieceNumber(input.numero);
  if (!numero.ok) throw numero.error;
  const { cadre, role } = checkDraftCadre({ ...input, opensDossier: input.dossierId === undefined });
  const montants = input.montants === undefined ? undefined : checkMontants(input.montants);
  if (montants) checkAmountSigns(cadre, montants);
  const datePiece = input.datePiece === undefined ? undefined : checkDate(input.datePiece);
  if (datePiece) checkPieceDate(datePiece, parisDateOf(now), input.marche.dateNotification);
  const etatAcompte =
    input.etatAcompte === undefined
      ? undefined
      : checkDraftEtatAcompte(cadre.code, input.etatAcompte, montants, input.marche);

  let dossierId = input.dossierId;
  if (dossierId !== undefined) {
    const record = await deps.dossiers.find(dossierId);
    if (!record) throw new DomainError('DOSSIER_INCONNU', `Le dossier ${dossierId} n'existe pas.`, 'NOT_FOUND');
    if (record.marcheId !== input.marche.id) {
      const message = `Le dossier ${dossierId} relève d'un autre marché que ${input.marche.numeroMarche}.`;
      throw new DomainError('DOSSIER_D_UN_AUTRE_MARCHE', message, 'INVALID', [{ path: 'dossierId', message }]);
    }
  } else {
    dossierId = `DOS-${newId(now)}`;
  }
  const piece: PieceRecord = {
    pieceId: `PCE-${newId(now)}`,
    dossierId,
    marcheId: input.marche.id,
    cadre: cadre.code as CadreCode,
    numero: numero.value,
    status: 'BROUILLON',
    depositorSiret: input.actor.siret,
    depositorRole: role,
    newDossier: input.dossierId === undefined,
    ...(montants ? { montants } : {}),
    ...(datePiece ? { datePiece } : {}),
    ...(etatAcompte ? { etatAcompte } : {}),
    reservedBytes: 0,
    fileCount: 0,
    createdAt: now.toISOString(),
    createdBy: input.userId,
    version: 1,
  };
  if (!(await deps.store.createDraft(piece))) throw pieceNumberTaken(numero.value);
  return toDraft(piece, []);
}

/** The piece with its files (every upload form and its outcome). */
export async function getDraft(
  deps: Pick<PieceDeps, 'store'>,
  dossierId: string,
  pieceId: string,
): Promise<DraftPiece> {
  const [piece, files] = await Promise.all([
    deps.store.piece(dossierId, pieceId),
    deps.store.files(dossierId, pieceId),
  ]);
  if (!piece) throw unknownPiece(pieceId);
  return toDraft(piece, files);
}

/** The drafts of a structure, newest first. */
export async function listDrafts(deps: Pick<PieceDeps, 'store'>, siret: string, limit = 50): Promise<DraftPiece[]> {
  return (await deps.store.draftsOf(siret, limit)).map((p) => toDraft(p, []));
}

/**
 * The depositor confirms or corrects its draft: numéro, date, amounts, typed or taken from the suggestions read in
 * the main PDF (never applied by themselves: the depositor names the ones it accepts). `expectedVersion` is the
 * version it read (If-Match at the API): an edit made meanwhile is never overwritten.
 */
export async function updateDraft(deps: PieceDeps, input: DraftEditInput): Promise<DraftPiece> {
  const piece = await requireDraftOf(deps, input.actor, input.dossierId, input.pieceId);
  const fromSuggestions = input.applySuggestions?.length
    ? suggestedFields(await mainSuggestions(deps, input.dossierId, input.pieceId), input.applySuggestions)
    : {};
  const numeroInput = input.numero ?? fromSuggestions.numero;
  const montantsInput = input.montants ?? fromSuggestions.montants;
  const dateInput = input.datePiece ?? fromSuggestions.datePiece;
  let numero: string | undefined;
  if (numeroInput !== undefined) {
    const checked = validatePieceNumber(numeroInput);
    if (!checked.ok) throw checked.error;
    numero = checked.value;
  }
  const montants = montantsInput === undefined ? undefined : checkMontants(montantsInput);
  if (montants) checkAmountSigns(cadreByCode(piece.cadre), montants);
  // The lines and the amounts agree, whichever of them this edit changes (the marché's rates: see createDraft)
  const lignes = input.etatAcompte ?? piece.etatAcompte;
  const etatAcompte =
    lignes === undefined
      ? undefined
      : checkDraftEtatAcompte(piece.cadre, lignes, montants ?? piece.montants, input.marche);
  const addressee = acceptedAddressee(piece, fromSuggestions, input.marche);
  const edit = {
    ...(numero !== undefined ? { numero } : {}),
    ...(addressee !== undefined ? { addressee } : {}),
    ...(montants !== undefined ? { montants } : {}),
    ...(dateInput !== undefined ? { datePiece: checkDate(dateInput) } : {}),
    ...(input.etatAcompte !== undefined ? { etatAcompte } : {}),
  };
  // The marché's notification date is checked when the draft is created
  if (edit.datePiece) checkPieceDate(edit.datePiece, parisDateOf(deps.clock.now()));
  const outcome = await deps.store.editDraft(piece, input.actor.siret, edit, input.expectedVersion, deps.clock.now());
  if (outcome === 'NUMBER_TAKEN') throw pieceNumberTaken(numero as string);
  if (outcome === 'PIECE_REFUSED') {
    const now = await requireDraftOf(deps, input.actor, input.dossierId, input.pieceId);
    throw staleDraft(now.numero, now.version ?? 1, input.expectedVersion);
  }
  return getDraft(deps, input.dossierId, input.pieceId);
}

/** Deletes a draft and releases its number (its uploaded objects are hidden too). */
export async function deleteDraft(
  deps: PieceDeps,
  input: {
    readonly actor: PieceActor;
    readonly dossierId: string;
    readonly pieceId: string;
    /** The version read (If-Match at the API). */
    readonly expectedVersion?: number;
  },
): Promise<void> {
  const piece = await requireDraftOf(deps, input.actor, input.dossierId, input.pieceId);
  if (!(await deps.store.deleteDraft(piece, input.actor.siret, input.expectedVersion))) {
    const now = await requireDraftOf(deps, input.actor, input.dossierId, input.pieceId);
    throw staleDraft(now.numero, now.version ?? 1, input.expectedVersion);
  }
  const files = await deps.store.files(input.dossierId, input.pieceId);
  for (const f of files) {
    if (f.status === 'ATTENDU' || f.status === 'VERIFIE') await deps.documents.hide(f.objectKey);
  }
  await deps.store.deleteFiles(files);
}

/** The actor's draft, or the refusal (unknown, another structure's, already sent). */
export async function requireDraftOf(
  deps: PieceDeps,
  actor: PieceActor,
  dossierId: string,
  pieceId: string,
): Promise<PieceRecord> {
  return assertDraftOf(await deps.store.piece(dossierId, pieceId), pieceId, actor.siret);
}

function staleDraft(numero: string, version: number, expected: number | undefined): DomainError {
  const message =
    expected === undefined || expected === version
      ? 'La pièce a changé entre-temps : rechargez-la.'
      : `Le brouillon n° ${numero} est à la version ${version}, pas ${expected} : rechargez-le ; votre saisie est à refaire sur la version à jour.`;
  return new DomainError('VERSION_PERIMEE', message, 'STALE');
}

/**
 * The SIRET / engagement suggestions accepted, each checked against the marché (addressee-suggestions.ts), merged
 * with those accepted before; undefined when this edit accepts neither.
 */
function acceptedAddressee(
  piece: PieceRecord,
  accepted: SuggestedFields,
  marche: Marche | undefined,
): PieceAddressee | undefined {
  if (accepted.siretDestinataire === undefined && accepted.engagementJuridique === undefined) return undefined;
  if (!marche) throw new Error('updateDraft: the marché is needed to check a SIRET or engagement suggestion');
  return {
    ...piece.addressee,
    ...(accepted.siretDestinataire !== undefined
      ? { siret: checkSuggestedSiret(marche, accepted.siretDestinataire) }
      : {}),
    ...(accepted.engagementJuridique !== undefined
      ? { engagementJuridique: checkSuggestedEngagement(marche, accepted.engagementJuridique) }
      : {}),
  };
}

async function mainSuggestions(deps: PieceDeps, dossierId: string, pieceId: string): Promise<Suggestions | undefined> {
  const files = await deps.store.files(dossierId, pieceId);
  return files.find((f) => f.role === 'MAIN' && f.status === 'VERIFIE')?.suggestions;
}

export function toDraft(piece: PieceRecord, files: readonly PieceFile[]): DraftPiece {
  const all = files.map(toFileRecord).sort((a, b) => (a.fileId < b.fileId ? -1 : 1));
  // A file the depositor removed stays recorded, out of the draft's list
  const records = all.filter((f) => f.status !== 'RETIRE');
  const removed = all.filter((f) => f.status === 'RETIRE');
  const main = records.find((f) => f.role === 'MAIN' && f.status === 'VERIFIE');
  return {
    pieceId: piece.pieceId,
    dossierId: piece.dossierId,
    marcheId: piece.marcheId,
    cadre: piece.cadre,
    numero: piece.numero,
    status: piece.status,
    depositorSiret: piece.depositorSiret,
    depositorRole: piece.depositorRole,
    newDossier: piece.newDossier,
    ...(piece.montants ? { montants: piece.montants } : {}),
    ...(piece.datePiece ? { datePiece: piece.datePiece } : {}),
    ...(piece.etatAcompte ? { etatAcompte: piece.etatAcompte } : {}),
    ...(piece.addressee ? { addressee: piece.addressee } : {}),
    files: records,
    ...(removed.length > 0
      ? {
          removedFiles: removed.map((f) => ({
            fileId: f.fileId,
            fileName: f.fileName,
            removedAt: f.removedAt ?? '',
          })),
        }
      : {}),
    reservedBytes: piece.reservedBytes,
    maxBytes: MAX_PIECE_BYTES,
    ...(main?.suggestions ? { suggestions: main.suggestions } : {}),
    ...(piece.lastRefusal ? { lastRefusal: piece.lastRefusal } : {}),
    ...(piece.certificat ? { certificat: piece.certificat, sentAt: piece.sentAt } : {}),
    createdAt: piece.createdAt,
    createdBy: piece.createdBy,
    version: piece.version ?? 1,
  };
}
