import { DomainError } from '../../domain/errors';
import { MAX_FILES_PER_PIECE, type PieceFile, type PieceRecord } from '../../domain/pieces';
import { BatchWriteCommand, type DocumentClient, GetCommand, QueryCommand } from './document-client';
import { type DraftEdit, draftEditWrites } from './draft-edit-writes';
import { type EtatAcompteNeighbours, etatAcompteNeighbours } from './etat-acompte-cumul';
import { gsi1, keys, TABLE_KEYS } from './keys';
import { parseFile, parsePiece, parseUploadMapping } from './piece-items';
import {
  openStatus,
  pieceRelease,
  refusedWrites,
  removalWrites,
  type VerifiedContent,
  verifiedWrites,
} from './piece-writes';
import { queryAll } from './query';
import { ConditionsFailed, type TransactItem, TransactionRace, transactWrite } from './transactions';

/**
 * Storage of pieces and their files (single table, `keys.ts`): a piece item per draft with its reservation
 * (`reservedBytes` = declared sizes of files awaited + real sizes of files verified, kept within the piece limit
 * by conditional writes), one item per file (upload form → verified / refused / expired / cancelled), the mapping
 * of each random object key back to its file, and the depositor's claim on the piece number. Every write is
 * conditional; a refused condition comes back as `false` (or a named outcome), never as a raw DynamoDB error.
 */
export interface PieceStoreOptions {
  /** Pause between retries of a transaction that met a concurrent one (default: a few random milliseconds). */
  readonly backoff?: (attempt: number) => Promise<void>;
}

/** What recording a verification outcome met: done, the file moved on, or the piece refused the change. */
export type RecordOutcome = 'RECORDED' | 'FILE_MOVED' | 'PIECE_REFUSED';

const RACE_ATTEMPTS = 25;
const defaultBackoff = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));

export class PieceStore {
  private readonly backoff: (attempt: number) => Promise<void>;

  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
    options: PieceStoreOptions = {},
  ) {
    this.backoff = options.backoff ?? defaultBackoff;
  }

  // ------------------------------------------------------------------------------------------------ reads

  async piece(dossierId: string, pieceId: string): Promise<PieceRecord | undefined> {
    const item = await this.get(keys.piece(dossierId, pieceId));
    return item ? parsePiece(item) : undefined;
  }

  /**
   * The latest états d'acompte of the company's acomptes just before and just after this dossier, on the marché, with
   * the sequence's version to condition the send on (etat-acompte-cumul.ts).
   */
  etatAcompteNeighbours(marcheId: string, fournisseurSiret: string, dossierId: string): Promise<EtatAcompteNeighbours> {
    return etatAcompteNeighbours(this.client, this.table, marcheId, fournisseurSiret, dossierId);
  }

  async file(dossierId: string, pieceId: string, fileId: string): Promise<PieceFile | undefined> {
    const item = await this.get(keys.pieceFile(dossierId, pieceId, fileId));
    return item ? parseFile(item) : undefined;
  }

  /** The file an uploaded object belongs to, through its object key's mapping. */
  async fileOfObject(objectKey: string): Promise<PieceFile | undefined> {
    const mapping = await this.get(keys.uploadKey(objectKey));
    if (!mapping) return undefined;
    const m = parseUploadMapping(mapping);
    return this.file(m.dossierId, m.pieceId, m.fileId);
  }

  async files(dossierId: string, pieceId: string): Promise<PieceFile[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': keys.dossier(dossierId).pk, ':p': `FILE#${pieceId}#` },
      ConsistentRead: true,
    });
    return items.map(parseFile);
  }

  /** The drafts of a structure, newest first (GSI2; drafts leave the index when sent). */
  async draftsOf(siret: string, limit: number): Promise<PieceRecord[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TABLE_KEYS.gsi2.name,
        KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :p)',
        ExpressionAttributeValues: { ':pk': `STRUCT#${siret}`, ':p': 'BROUILLON#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map(parsePiece);
  }

  // ------------------------------------------------------------------------------------------------ drafts

  /** The draft and the depositor's claim on its number, together; false when the number is already claimed. */
  async createDraft(piece: PieceRecord): Promise<boolean> {
    try {
      await transactWrite(this.client, [
        {
          Put: {
            TableName: this.table,
            Item: {
              ...keys.uniquePieceNumber(piece.depositorSiret, piece.numero),
              entity: 'UNIQ_PIECE',
              numero: piece.numero,
              pieceId: piece.pieceId,
              dossierId: piece.dossierId,
              createdAt: piece.createdAt,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: { ...keys.piece(piece.dossierId, piece.pieceId), entity: 'PIECE', ...piece, ...draftIndex(piece) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed && e.at(0)) return false;
      throw e;
    }
  }

  /**
   * The depositor's edit of its draft (numéro, date, amounts) at the version it read: 'EDITED', or what stood in
   * the way — the piece ('PIECE_REFUSED': gone, sent, another structure's, or another version) or the new number
   * ('NUMBER_TAKEN').
   */
  async editDraft(
    piece: PieceRecord,
    depositorSiret: string,
    edit: DraftEdit,
    expectedVersion: number | undefined,
    now: Date,
  ): Promise<'EDITED' | 'PIECE_REFUSED' | 'NUMBER_TAKEN'> {
    try {
      await transactWrite(this.client, draftEditWrites(this.table, piece, depositorSiret, edit, expectedVersion, now));
      return 'EDITED';
    } catch (e) {
      if (!(e instanceof ConditionsFailed)) throw e;
      return e.at(0) ? 'PIECE_REFUSED' : 'NUMBER_TAKEN';
    }
  }

  /** Deletes the draft and releases its number; false when it is no longer a draft of `depositorSiret`. */
  async deleteDraft(piece: PieceRecord, depositorSiret: string, expectedVersion?: number): Promise<boolean> {
    const version =
      expectedVersion === undefined
        ? ''
        : expectedVersion === 1
          ? ' AND (attribute_not_exists(version) OR version = :v)'
          : ' AND version = :v';
    try {
      await transactWrite(this.client, [
        {
          Delete: {
            TableName: this.table,
            Key: keys.piece(piece.dossierId, piece.pieceId),
            ConditionExpression: `#status = :brouillon AND depositorSiret = :siret${version}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':brouillon': 'BROUILLON',
              ':siret': depositorSiret,
              ...(expectedVersion === undefined ? {} : { ':v': expectedVersion }),
            },
          },
        },
        {
          Delete: {
            TableName: this.table,
            Key: keys.uniquePieceNumber(piece.depositorSiret, piece.numero),
            ConditionExpression: 'pieceId = :pid',
            ExpressionAttributeValues: { ':pid': piece.pieceId },
          },
        },
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed && e.at(0)) return false;
      throw e;
    }
  }

  /** Removes file items (their upload mappings stay: a late upload finds no file and is deleted). */
  async deleteFiles(files: readonly PieceFile[]): Promise<void> {
    for (let i = 0; i < files.length; i += 25) {
      await this.client.send(
        new BatchWriteCommand({
          RequestItems: {
            [this.table]: files.slice(i, i + 25).map((f) => ({
              DeleteRequest: { Key: keys.pieceFile(f.dossierId, f.pieceId, f.fileId) },
            })),
          },
        }),
      );
    }
  }

  // ------------------------------------------------------------------------------------------------ reservations

  /**
   * Reserves the file's declared size on the draft of `depositorSiret` (within `maxPieceBytes`, one main file, at
   * most MAX_FILES_PER_PIECE files) and records the file and its object key, atomically; false when the piece
   * refused it.
   */
  async reserve(file: PieceFile, depositorSiret: string, maxPieceBytes: number, now: Date): Promise<boolean> {
    const main = file.role === 'MAIN';
    try {
      await this.transact([
        {
          Update: {
            TableName: this.table,
            Key: keys.piece(file.dossierId, file.pieceId),
            UpdateExpression: `SET reservedBytes = reservedBytes + :size, fileCount = fileCount + :one, updatedAt = :now${main ? ', mainFileId = :fid' : ''}`,
            // A supplement goes onto a sent piece (its dossier suspended: checked by the service), whoever deposited it
            ConditionExpression: `attribute_exists(pk) AND #status = :open${file.supplement ? '' : ' AND depositorSiret = :siret'} AND reservedBytes <= :room AND fileCount < :maxFiles${main ? ' AND attribute_not_exists(mainFileId)' : ''}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':size': file.declaredSize,
              ':one': 1,
              ':now': now.toISOString(),
              ':open': openStatus(file),
              ...(file.supplement ? {} : { ':siret': depositorSiret }),
              ':room': maxPieceBytes - file.declaredSize,
              ':maxFiles': MAX_FILES_PER_PIECE,
              ...(main ? { ':fid': file.fileId } : {}),
            },
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: {
              ...keys.pieceFile(file.dossierId, file.pieceId, file.fileId),
              entity: 'FILE',
              ...file,
              // Found by the sweeper if its object's event never arrives (awaited-uploads.ts)
              ...gsi1.uploadAwaited(file.expiresAt, file.fileId),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: {
              ...keys.uploadKey(file.objectKey),
              entity: 'UPLOAD',
              dossierId: file.dossierId,
              pieceId: file.pieceId,
              fileId: file.fileId,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed && e.at(0)) return false;
      throw e;
    }
  }

  /** ATTENDU → `status`, giving its declared size back to the piece. False when the file had moved on. */
  async releaseReservation(file: PieceFile, status: 'EXPIRE' | 'ANNULE', now: Date): Promise<boolean> {
    try {
      await this.transact([
        {
          Update: {
            TableName: this.table,
            Key: keys.pieceFile(file.dossierId, file.pieceId, file.fileId),
            UpdateExpression: 'SET #status = :to, releasedAt = :now',
            ConditionExpression: '#status = :attendu',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':to': status, ':attendu': 'ATTENDU', ':now': now.toISOString() },
          },
        },
        pieceRelease(this.table, file),
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed) return false;
      throw e;
    }
  }

  /**
   * The depositor removes a file from its draft at the version it read (piece-writes.ts `removalWrites`): 'REMOVED',
   * or 'FILE_MOVED' (its status changed meanwhile: read it again) or 'PIECE_REFUSED' (sent, deleted, another version).
   */
  removeFile(
    file: PieceFile,
    by: { readonly depositorSiret: string; readonly userId: string },
    expectedVersion: number,
    now: Date,
  ): Promise<RecordOutcome | 'REMOVED'> {
    return this.record(removalWrites(this.table, file, by, expectedVersion, now)).then((o) =>
      o === 'RECORDED' ? 'REMOVED' : o,
    );
  }

  // ------------------------------------------------------------------------------------------------ verification

  /**
   * Records a verified file: the reservation becomes the real size (or, for a file that landed after its
   * reservation was released, the piece reserves it again within `maxPieceBytes`).
   */
  async recordVerified(
    file: PieceFile,
    content: VerifiedContent,
    maxPieceBytes: number,
    now: Date,
  ): Promise<RecordOutcome> {
    return this.record(verifiedWrites(this.table, file, content, maxPieceBytes, now));
  }

  /** Records a refused file and the piece's last refusal (giving a reserved size back). */
  async recordRefused(
    file: PieceFile,
    refusal: { readonly code: string; readonly message: string },
    now: Date,
  ): Promise<RecordOutcome> {
    return this.record(refusedWrites(this.table, file, refusal, now));
  }

  // ------------------------------------------------------------------------------------------------ internals

  private async record(items: [TransactItem, TransactItem]): Promise<RecordOutcome> {
    try {
      await this.transact(items);
      return 'RECORDED';
    } catch (e) {
      if (!(e instanceof ConditionsFailed)) throw e;
      if (e.at(0)) return 'FILE_MOVED';
      if (e.at(1)) return 'PIECE_REFUSED';
      throw e;
    }
  }

  private async get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return Item;
  }

  /**
   * A transaction, tried again while it only met concurrent transactions on the same items; a race that lasts is a
   * lost optimistic lock for the caller (409).
   */
  private async transact(items: readonly TransactItem[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await transactWrite(this.client, items);
        return;
      } catch (e) {
        if (!(e instanceof TransactionRace)) throw e;
        if (attempt >= RACE_ATTEMPTS) throw concurrentChange();
        await this.backoff(attempt);
      }
    }
  }
}

function concurrentChange(): DomainError {
  return new DomainError(
    'MODIFICATION_CONCURRENTE',
    'La pièce est modifiée au même moment par une autre demande : rechargez-la et refaites votre action.',
    'CONFLICT',
  );
}

/** Drafts of a structure, newest first (drafts are visibly not sent). */
function draftIndex(piece: PieceRecord): { gsi2pk: string; gsi2sk: string } {
  return { gsi2pk: `STRUCT#${piece.depositorSiret}`, gsi2sk: `BROUILLON#${piece.createdAt}#${piece.pieceId}` };
}
