import { MAX_FILES_PER_PIECE, type PieceFile } from '../../domain/pieces';
import { keys } from './keys';
import type { TransactItem } from './transactions';

/** The conditional writes of a piece's file outcomes: [the file's update, the piece's update]. */

/** The verified content of a file, as recorded. */
export interface VerifiedContent {
  readonly size: number;
  readonly sha256: string;
  readonly mime: string;
  readonly pageCount?: number;
  readonly suggestions?: unknown;
  readonly versionId?: string;
}

/**
 * A verified file: the reservation becomes the real size (or, for a file that landed after its reservation was
 * released, the piece reserves it again within `maxPieceBytes`).
 */
export function verifiedWrites(
  table: string,
  file: PieceFile,
  content: VerifiedContent,
  maxPieceBytes: number,
  now: Date,
): [TransactItem, TransactItem] {
  const at = now.toISOString();
  const fileUpdate: TransactItem = {
    Update: {
      TableName: table,
      Key: keys.pieceFile(file.dossierId, file.pieceId, file.fileId),
      UpdateExpression:
        'SET #status = :verifie, size = :size, sha256 = :sha, mime = :mime, verifiedAt = :now' +
        (content.pageCount !== undefined ? ', pageCount = :pages' : '') +
        (content.suggestions !== undefined ? ', suggestions = :sugg' : '') +
        (content.versionId ? ', versionId = :vid' : ''),
      ConditionExpression: '#status = :seen',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':verifie': 'VERIFIE',
        ':size': content.size,
        ':sha': content.sha256,
        ':mime': content.mime,
        ':now': at,
        ':seen': file.status,
        ...(content.pageCount !== undefined ? { ':pages': content.pageCount } : {}),
        ...(content.suggestions !== undefined ? { ':sugg': content.suggestions } : {}),
        ...(content.versionId ? { ':vid': content.versionId } : {}),
      },
    },
  };
  const main = file.role === 'MAIN';
  const pieceUpdate: TransactItem =
    file.status === 'ATTENDU'
      ? {
          // The reservation becomes the real size (never more: the form's range)
          Update: {
            TableName: table,
            Key: keys.piece(file.dossierId, file.pieceId),
            UpdateExpression: 'SET reservedBytes = reservedBytes - :delta, updatedAt = :now',
            ConditionExpression: '#status = :open',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':delta': file.declaredSize - content.size,
              ':now': at,
              ':open': openStatus(file),
            },
          },
        }
      : {
          // Landed after its reservation was released: reserve again, within the same limits
          Update: {
            TableName: table,
            Key: keys.piece(file.dossierId, file.pieceId),
            UpdateExpression: `SET reservedBytes = reservedBytes + :size, fileCount = fileCount + :one, updatedAt = :now${main ? ', mainFileId = :fid' : ''}`,
            ConditionExpression: `#status = :open AND reservedBytes <= :room AND fileCount < :maxFiles${main ? ' AND attribute_not_exists(mainFileId)' : ''}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':size': content.size,
              ':one': 1,
              ':now': at,
              ':open': openStatus(file),
              ':room': maxPieceBytes - content.size,
              ':maxFiles': MAX_FILES_PER_PIECE,
              ...(main ? { ':fid': file.fileId } : {}),
            },
          },
        };
  return [fileUpdate, pieceUpdate];
}

/** A refused file and the piece's last refusal (giving a reserved size back). */
export function refusedWrites(
  table: string,
  file: PieceFile,
  refusal: { readonly code: string; readonly message: string },
  now: Date,
): [TransactItem, TransactItem] {
  const at = now.toISOString();
  const r = { code: refusal.code, message: refusal.message };
  const lastRefusal = { ...r, fileId: file.fileId, at };
  const fileUpdate: TransactItem = {
    Update: {
      TableName: table,
      Key: keys.pieceFile(file.dossierId, file.pieceId, file.fileId),
      UpdateExpression: 'SET #status = :refuse, refusal = :r, refusedAt = :now',
      ConditionExpression: '#status = :seen',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':refuse': 'REFUSE', ':r': r, ':now': at, ':seen': file.status },
    },
  };
  const pieceUpdate: TransactItem =
    file.status === 'ATTENDU'
      ? pieceRelease(table, file, { set: 'lastRefusal = :last', values: { ':last': lastRefusal } })
      : {
          Update: {
            TableName: table,
            Key: keys.piece(file.dossierId, file.pieceId),
            UpdateExpression: 'SET lastRefusal = :last',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':last': lastRefusal },
          },
        };
  return [fileUpdate, pieceUpdate];
}

/** Gives a reserved file's declared size back to the piece (and its main-file slot). */
export function pieceRelease(
  table: string,
  file: PieceFile,
  extra?: { set: string; values: Record<string, unknown> },
): TransactItem {
  const main = file.role === 'MAIN';
  return {
    Update: {
      TableName: table,
      Key: keys.piece(file.dossierId, file.pieceId),
      UpdateExpression: `SET reservedBytes = reservedBytes - :size, fileCount = fileCount - :one${extra ? `, ${extra.set}` : ''}${main ? ' REMOVE mainFileId' : ''}`,
      ConditionExpression: main ? 'mainFileId = :fid' : 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':size': file.declaredSize,
        ':one': 1,
        ...(main ? { ':fid': file.fileId } : {}),
        ...extra?.values,
      },
    },
  };
}

/** A draft takes files; a sent piece only the documents a suspension asked for (`supplement`). */
export function openStatus(file: Pick<PieceFile, 'supplement'>): 'BROUILLON' | 'ENVOYEE' {
  return file.supplement ? 'ENVOYEE' : 'BROUILLON';
}

/**
 * The depositor removes one file from its draft, at the draft's version: [the file → RETIRE (kept, with who and
 * when, hidden from the draft), the piece → the room the file held given back (its declared size while awaited,
 * its real size once verified) and its main-file slot freed]. A refused, expired or cancelled file held no room.
 */
export function removalWrites(
  table: string,
  file: PieceFile,
  by: { readonly depositorSiret: string; readonly userId: string },
  expectedVersion: number,
  now: Date,
): [TransactItem, TransactItem] {
  const at = now.toISOString();
  const fileUpdate: TransactItem = {
    Update: {
      TableName: table,
      Key: keys.pieceFile(file.dossierId, file.pieceId, file.fileId),
      UpdateExpression: 'SET #status = :retire, removedAt = :now, removedBy = :by, removedFrom = :seen',
      ConditionExpression: '#status = :seen',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':retire': 'RETIRE', ':now': at, ':by': by.userId, ':seen': file.status },
    },
  };
  const held =
    file.status === 'ATTENDU' ? file.declaredSize : file.status === 'VERIFIE' ? (file.size ?? file.declaredSize) : 0;
  const main = held > 0 && file.role === 'MAIN';
  const versionCheck = expectedVersion === 1 ? '(attribute_not_exists(version) OR version = :v)' : 'version = :v';
  const pieceUpdate: TransactItem = {
    Update: {
      TableName: table,
      Key: keys.piece(file.dossierId, file.pieceId),
      UpdateExpression:
        held > 0
          ? `SET reservedBytes = reservedBytes - :size, fileCount = fileCount - :one, updatedAt = :now${main ? ' REMOVE mainFileId' : ''}`
          : 'SET updatedAt = :now',
      ConditionExpression: `#status = :brouillon AND depositorSiret = :siret AND ${versionCheck}${main ? ' AND mainFileId = :fid' : ''}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':now': at,
        ':brouillon': 'BROUILLON',
        ':siret': by.depositorSiret,
        ':v': expectedVersion,
        ...(held > 0 ? { ':size': held, ':one': 1 } : {}),
        ...(main ? { ':fid': file.fileId } : {}),
      },
    },
  };
  return [fileUpdate, pieceUpdate];
}
