import type { PieceRecord } from '../../domain/pieces';
import { keys } from './keys';
import type { TransactItem } from './transactions';

/**
 * The conditional writes of a depositor's edit of its draft (numéro, date, amounts), in one transaction:
 * [the piece's update, then, when the number changes, the new number's claim and the old one's release]. The
 * piece's `version` counts these edits only (files come and go without making an edit stale).
 */
export interface DraftEdit {
  readonly numero?: string;
  readonly montants?: unknown;
  readonly datePiece?: string;
  readonly etatAcompte?: unknown;
  /** The accepted addressee SIRET / engagement number (the whole record, replaced). */
  readonly addressee?: unknown;
}

export function draftEditWrites(
  table: string,
  piece: PieceRecord,
  depositorSiret: string,
  edit: DraftEdit,
  expectedVersion: number | undefined,
  now: Date,
): TransactItem[] {
  const at = now.toISOString();
  const current = piece.version ?? 1;
  const sets = ['updatedAt = :now', 'version = :next'];
  const values: Record<string, unknown> = {
    ':now': at,
    ':next': current + 1,
    ':brouillon': 'BROUILLON',
    ':siret': depositorSiret,
    ':v': expectedVersion ?? current,
  };
  const renumber = edit.numero !== undefined && edit.numero !== piece.numero;
  if (renumber) {
    sets.push('numero = :n');
    values[':n'] = edit.numero;
  }
  if (edit.montants !== undefined) {
    sets.push('montants = :m');
    values[':m'] = edit.montants;
  }
  if (edit.etatAcompte !== undefined) {
    sets.push('etatAcompte = :ea');
    values[':ea'] = edit.etatAcompte;
  }
  if (edit.addressee !== undefined) {
    sets.push('addressee = :ad');
    values[':ad'] = edit.addressee;
  }
  if (edit.datePiece !== undefined) {
    sets.push('datePiece = :d');
    values[':d'] = edit.datePiece;
  }
  // Drafts written before versions existed are at version 1
  const versionCheck =
    (expectedVersion ?? current) === 1 ? '(attribute_not_exists(version) OR version = :v)' : 'version = :v';
  const items: TransactItem[] = [
    {
      Update: {
        TableName: table,
        Key: keys.piece(piece.dossierId, piece.pieceId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `attribute_exists(pk) AND #status = :brouillon AND depositorSiret = :siret AND ${versionCheck}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      },
    },
  ];
  // A number that differs only as the claim's key ignores (e.g. its case) keeps its claim
  const reclaim =
    renumber &&
    keys.uniquePieceNumber(depositorSiret, edit.numero as string).pk !==
      keys.uniquePieceNumber(depositorSiret, piece.numero).pk;
  if (reclaim) {
    items.push(
      {
        Put: {
          TableName: table,
          Item: {
            ...keys.uniquePieceNumber(piece.depositorSiret, edit.numero as string),
            entity: 'UNIQ_PIECE',
            numero: edit.numero,
            pieceId: piece.pieceId,
            dossierId: piece.dossierId,
            createdAt: at,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Delete: {
          TableName: table,
          Key: keys.uniquePieceNumber(piece.depositorSiret, piece.numero),
          ConditionExpression: 'pieceId = :pid',
          ExpressionAttributeValues: { ':pid': piece.pieceId },
        },
      },
    );
  }
  return items;
}
