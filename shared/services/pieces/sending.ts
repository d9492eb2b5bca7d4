import { CoWriteConflict, type PieceCoWrite } from '../../adapters/dynamo/piece-co-writes';
import { filesAmong, pieceAmong } from '../../adapters/dynamo/piece-items';
import { newId } from '../../adapters/ids';
import { type Action, checkCumulMarche, cumulHtOf } from '../../domain/circuits';
import { isPieceAction, PIECE_ACTION_TYPES } from '../../domain/circuits/actions';
import { DomainError } from '../../domain/errors';
import {
  alreadySent,
  notDepositor,
  type PieceActor,
  type PieceFile,
  type PieceRecord,
  unknownPiece,
} from '../../domain/pieces';
import type { ActResult, Decision, DossierRecord } from '../decisions';
import type { DraftToSend, PieceDeps, SendActionFields, SendInput, SendResult } from './types';

/**
 * « Valider et envoyer »: the main file must be verified; the circuit action is built from the draft and decided
 * through `DossierService.decide` (which authorizes the user), with the piece becoming `ENVOYEE` (with its deposit
 * certificate) in the same transaction as the dossier and its audit event carrying the files' hashes.
 */
export async function send(deps: PieceDeps, input: SendInput): Promise<SendResult> {
  const loaded = input.loaded ?? (await draftToSend(deps, input.dossierId, input.pieceId));
  const draft = loaded.piece;
  if (!draft) throw unknownPiece(input.pieceId);
  const message = `La pièce n° ${draft.numero} est validée, elle est en cours de transmission au service concerné`;
  const known = draft.newDossier ? undefined : loaded.partition.snapshot;
  const complete = input.completion;
  let certificat = '';
  let result: ActResult;
  try {
    result = await deps.dossiers.decide({
      dossierId: draft.newDossier ? undefined : draft.dossierId,
      marcheId: draft.marcheId,
      userId: input.userId,
      ...(input.actingSiret ? { actingSiret: input.actingSiret } : {}),
      action: { type: (input.action?.type ?? 'DEPOSER') as Action['type'] } as Action,
      expectedVersion: draft.newDossier ? undefined : input.expectedVersion,
      // The dossier read with the draft: the decision does not read it again (a retry does)
      ...(known ? { record: known } : {}),
      prepare: async (actor, record) => {
        const items = record ?? loaded.partition;
        const piece = pieceAmong(items.pieces, draft.pieceId) ?? draft;
        const prepared = await prepareSend(deps, actor, input, piece, filesAmong(items.files, draft.pieceId), record);
        certificat = prepared.certificat;
        return prepared;
      },
      ...(complete ? { completion: (dossier: ActResult) => complete({ certificat, message, dossier }) } : {}),
    });
  } catch (e) {
    throw await explainSendFailure(deps, e, input);
  }
  return { certificat, message, dossier: result };
}

/** The draft and its dossier's partition: one Query. */
export async function draftToSend(deps: PieceDeps, dossierId: string, pieceId: string): Promise<DraftToSend> {
  const partition = await deps.dossiers.partition(dossierId);
  return { piece: pieceAmong(partition.pieces, pieceId), partition };
}

/** The sending actor's draft, its files checked, as the circuit action and the writes that go with it. */
async function prepareSend(
  deps: PieceDeps,
  actor: PieceActor,
  input: SendInput,
  piece: PieceRecord,
  files: readonly PieceFile[],
  record: DossierRecord | undefined,
): Promise<Decision & { certificat: string }> {
  const now = deps.clock.now();
  if (piece.depositorSiret !== actor.siret) throw notDepositor(piece);
  if (piece.status !== 'BROUILLON') throw alreadySent(piece);
  const verified = files.filter((f) => f.status === 'VERIFIE');
  const main = verified.find((f) => f.role === 'MAIN');
  const awaited = files.filter((f) => f.status === 'ATTENDU');
  const arrived: PieceFile[] = [];
  const unused: PieceFile[] = [];
  for (const f of awaited) ((await deps.documents.head(f.objectKey)) ? arrived : unused).push(f);
  if (arrived.length > 0) {
    const message = `Vérification en cours de ${arrived.map((f) => f.fileName).join(', ')} : patientez quelques secondes puis renvoyez la pièce.`;
    throw new DomainError('FICHIERS_EN_COURS_DE_VERIFICATION', message, 'CONFLICT');
  }
  if (!main) {
    // Every piece has one main file
    const message = `La pièce n° ${piece.numero} n'a pas de fichier principal vérifié : déposez-le (PDF texte) avant de l'envoyer.`;
    throw new DomainError('FICHIER_PRINCIPAL_MANQUANT', message, 'CONFLICT');
  }
  const action = buildAction(piece, input.action);
  const certificat = `CERT-${newId(now)}`;
  const sentAt = now.toISOString();
  const fileHashes = [main, ...verified.filter((f) => f !== main)].map((f) => f.sha256 as string);
  const sent: PieceCoWrite = {
    kind: 'PIECE_SENT',
    dossierId: piece.dossierId,
    pieceId: piece.pieceId,
    depositorSiret: actor.siret,
    mainFileId: main.fileId,
    certificat,
    sentAt,
    sentBy: input.userId,
    fileHashes,
  };
  // Forms issued but never used are cancelled with the send: a late upload is then refused
  const cancellations: PieceCoWrite[] = unused.map((f) => ({
    kind: 'UPLOAD_CANCELLED',
    dossierId: f.dossierId,
    pieceId: f.pieceId,
    fileId: f.fileId,
    at: sentAt,
  }));
  const cumul = await etatAcompteCumul(deps, piece, sentAt, record);
  return { action, fileHashes, coWrites: [sent, ...cancellations, ...cumul], certificat };
}

/**
 * A piece with état d'acompte lines: its cumul may not be lower than the latest état of the company's previous
 * acompte on the marché, nor higher than that of a later one already sent (checkCumulMarche); once sent, it is the
 * dossier's cumul in that sequence, whose version the send moves on (a concurrent send then fails and is redone).
 */
async function etatAcompteCumul(
  deps: PieceDeps,
  piece: PieceRecord,
  at: string,
  record: DossierRecord | undefined,
): Promise<PieceCoWrite[]> {
  if (!piece.etatAcompte) return [];
  const fournisseurSiret = piece.newDossier
    ? piece.depositorSiret
    : (record ?? (await deps.dossiers.load(piece.dossierId))).state.parties.fournisseur.siret;
  const around = await deps.store.etatAcompteNeighbours(piece.marcheId, fournisseurSiret, piece.dossierId);
  checkCumulMarche(piece.etatAcompte, around.previous, around.next);
  return [
    {
      kind: 'ETAT_ACOMPTE_SEQUENCE',
      marcheId: piece.marcheId,
      fournisseurSiret,
      pieceId: piece.pieceId,
      expectedVersion: around.sequenceVersion,
      at,
    },
    {
      kind: 'ETAT_ACOMPTE_CUMUL',
      marcheId: piece.marcheId,
      fournisseurSiret,
      dossierId: piece.dossierId,
      pieceId: piece.pieceId,
      numero: piece.numero,
      cumulHtCents: cumulHtOf(piece.etatAcompte),
      at,
    },
  ];
}

function buildAction(piece: PieceRecord, fields: SendActionFields | undefined): Action {
  const pieceInput = {
    id: piece.pieceId,
    numero: piece.numero,
    cadre: piece.cadre,
    ...(piece.montants ? { montants: piece.montants } : {}),
    ...(piece.etatAcompte ? { etatAcompte: piece.etatAcompte } : {}),
  };
  const { type, piece: _ignored, dossierId: _d, ...rest } = (fields ?? {}) as Record<string, unknown>;
  if (piece.newDossier) {
    if (type !== undefined && type !== 'DEPOSER') {
      const message = `La première pièce d'un dossier se dépose (DEPOSER), pas par l'action ${String(type)}.`;
      throw new DomainError('ACTION_INVALIDE', message, 'INVALID', [{ path: 'action.type', message }]);
    }
    return {
      type: 'DEPOSER',
      dossierId: piece.dossierId,
      piece: pieceInput,
      ...(rest.receptionNotifieeLe !== undefined ? { receptionNotifieeLe: rest.receptionNotifieeLe as string } : {}),
      ...(rest.pdfRecuMoaLe !== undefined ? { pdfRecuMoaLe: rest.pdfRecuMoaLe as string } : {}),
    } as Action;
  }
  if (typeof type !== 'string' || !isPieceAction(type)) {
    const message = `Indiquez l'action de cette pièce suivante parmi : ${PIECE_ACTION_TYPES.join(', ')}.`;
    throw new DomainError('ACTION_INVALIDE', message, 'INVALID', [{ path: 'action.type', message }]);
  }
  return { ...rest, type, piece: pieceInput } as Action;
}

async function explainSendFailure(deps: PieceDeps, e: unknown, input: SendInput): Promise<unknown> {
  const recoverable =
    e instanceof CoWriteConflict ||
    (e instanceof DomainError && (e.code === 'DOSSIER_EXISTE_DEJA' || e.code === 'VERSION_PERIMEE'));
  if (!recoverable) return e;
  const now = await deps.store.piece(input.dossierId, input.pieceId);
  if (now && now.status !== 'BROUILLON') return alreadySent(now);
  if (e instanceof CoWriteConflict && e.coWrite.kind === 'ETAT_ACOMPTE_SEQUENCE') {
    const message =
      "Un autre état d'acompte de votre entreprise sur ce marché a été envoyé au même moment : renvoyez la pièce, ses cumuls seront comparés à ceux de cet état.";
    return new DomainError('ETAT_ACOMPTE_CONCURRENT', message, 'CONFLICT');
  }
  if (e instanceof CoWriteConflict) {
    const message =
      'Un fichier de la pièce a été déposé pendant l’envoi : patientez quelques secondes puis renvoyez-la.';
    return new DomainError('FICHIERS_EN_COURS_DE_VERIFICATION', message, 'CONFLICT');
  }
  return e;
}
