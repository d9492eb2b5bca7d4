import { toFileRecord } from '../../adapters/dynamo/piece-items';
import { newId } from '../../adapters/ids';
import { cadreByCode } from '../../domain/cadres';
import { type CalendarDate, parisDateOf } from '../../domain/calendar';
import type { CadreCode, Montants } from '../../domain/circuits';
import { MAX_PIECE_BYTES, validatePieceNumber } from '../../domain/documents';
import { DomainError } from '../../domain/errors';
import { checkAmountSigns, checkPieceDate } from '../../domain/piece-inputs';
import {
  assertDraftOf,
  checkDate,
  checkDraftCadre,
  checkMontants,
  type DraftPiece,
  type PieceActor,
  type PieceFile,
  type PieceRecord,
  pieceNumberTaken,
  unknownPiece,
} from '../../domain/pieces';
import type { CreateDraftInput, PieceDeps } from './types';

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
    reservedBytes: 0,
    fileCount: 0,
    createdAt: now.toISOString(),
    createdBy: input.userId,
  };
  if (!(await deps.store.createDraft(piece))) throw pieceNumberTaken(numero.value);
  return toDraft(piece, []);
}

/** The piece with its files (every upload form and its outcome). */
export async function getDraft(deps: PieceDeps, dossierId: string, pieceId: string): Promise<DraftPiece> {
  const [piece, files] = await Promise.all([
    deps.store.piece(dossierId, pieceId),
    deps.store.files(dossierId, pieceId),
  ]);
  if (!piece) throw unknownPiece(pieceId);
  return toDraft(piece, files);
}

/** The drafts of a structure, newest first. */
export async function listDrafts(deps: PieceDeps, siret: string, limit = 50): Promise<DraftPiece[]> {
  return (await deps.store.draftsOf(siret, limit)).map((p) => toDraft(p, []));
}

/** The depositor confirms or corrects amounts and date (e.g. from the suggestions) while the piece is a draft. */
export async function updateDraft(
  deps: PieceDeps,
  input: {
    readonly actor: PieceActor;
    readonly dossierId: string;
    readonly pieceId: string;
    readonly montants?: Montants;
    readonly datePiece?: CalendarDate | string;
  },
): Promise<DraftPiece> {
  const fields = {
    ...(input.montants !== undefined ? { montants: checkMontants(input.montants) } : {}),
    ...(input.datePiece !== undefined ? { datePiece: checkDate(input.datePiece) } : {}),
  };
  if (fields.montants) {
    const piece = await deps.store.piece(input.dossierId, input.pieceId);
    // Another structure's piece is refused below, without saying more about it
    if (piece?.depositorSiret === input.actor.siret) checkAmountSigns(cadreByCode(piece.cadre), fields.montants);
  }
  // The marché's notification date is checked when the draft is created
  if (fields.datePiece) checkPieceDate(fields.datePiece, parisDateOf(deps.clock.now()));
  const updated = await deps.store.updateDraft(
    input.dossierId,
    input.pieceId,
    input.actor.siret,
    fields,
    deps.clock.now(),
  );
  if (!updated) await explainDraftRefusal(deps, input.actor, input.dossierId, input.pieceId);
  return getDraft(deps, input.dossierId, input.pieceId);
}

/** Deletes a draft and releases its number (its uploaded objects are hidden too). */
export async function deleteDraft(
  deps: PieceDeps,
  input: { readonly actor: PieceActor; readonly dossierId: string; readonly pieceId: string },
): Promise<void> {
  const piece = await requireDraftOf(deps, input.actor, input.dossierId, input.pieceId);
  if (!(await deps.store.deleteDraft(piece, input.actor.siret))) {
    await explainDraftRefusal(deps, input.actor, input.dossierId, input.pieceId);
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

async function explainDraftRefusal(deps: PieceDeps, actor: PieceActor, dossierId: string, pieceId: string) {
  await requireDraftOf(deps, actor, dossierId, pieceId);
  throw new DomainError('PIECE_MODIFIEE', 'La pièce a changé entre-temps : rechargez-la.', 'CONFLICT');
}

export function toDraft(piece: PieceRecord, files: readonly PieceFile[]): DraftPiece {
  const records = files.map(toFileRecord).sort((a, b) => (a.fileId < b.fileId ? -1 : 1));
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
    files: records,
    reservedBytes: piece.reservedBytes,
    maxBytes: MAX_PIECE_BYTES,
    ...(main?.suggestions ? { suggestions: main.suggestions } : {}),
    ...(piece.lastRefusal ? { lastRefusal: piece.lastRefusal } : {}),
    ...(piece.certificat ? { certificat: piece.certificat, sentAt: piece.sentAt } : {}),
    createdAt: piece.createdAt,
    createdBy: piece.createdBy,
  };
}
