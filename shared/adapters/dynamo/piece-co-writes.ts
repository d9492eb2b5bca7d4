import { keys } from './keys';
import type { TransactItem } from './transactions';

/**
 * What a piece's send writes in the dossier's transaction (DossierStore.save `coWrites`): the draft becomes
 * ENVOYEE with its certificate (it leaves the drafts index), and forms issued but never used are cancelled.
 */
export type PieceCoWrite =
  | {
      readonly kind: 'PIECE_SENT';
      readonly dossierId: string;
      readonly pieceId: string;
      readonly depositorSiret: string;
      readonly mainFileId: string;
      readonly certificat: string;
      readonly sentAt: string;
      readonly sentBy: string;
      readonly fileHashes: readonly string[];
    }
  | {
      /** The cumul of the état d'acompte the piece carries, for the next acompte's check (etat-acompte-cumul.ts). */
      readonly kind: 'ETAT_ACOMPTE_CUMUL';
      readonly marcheId: string;
      readonly fournisseurSiret: string;
      readonly dossierId: string;
      readonly pieceId: string;
      readonly numero: string;
      readonly cumulHtCents: number;
      readonly at: string;
    }
  | {
      /** The company's sequence on the marché moves on: fails if another état was sent since it was read. */
      readonly kind: 'ETAT_ACOMPTE_SEQUENCE';
      readonly marcheId: string;
      readonly fournisseurSiret: string;
      readonly pieceId: string;
      /** The version read with the neighbours (0: none yet). */
      readonly expectedVersion: number;
      readonly at: string;
    }
  | {
      readonly kind: 'UPLOAD_CANCELLED';
      readonly dossierId: string;
      readonly pieceId: string;
      readonly fileId: string;
      readonly at: string;
    };

export function pieceCoWriteItem(table: string, w: PieceCoWrite): TransactItem {
  if (w.kind === 'PIECE_SENT') {
    return {
      Update: {
        TableName: table,
        Key: keys.piece(w.dossierId, w.pieceId),
        UpdateExpression:
          'SET #status = :envoyee, certificat = :cert, sentAt = :now, sentBy = :user, fileHashes = :hashes, updatedAt = :now REMOVE gsi2pk, gsi2sk',
        ConditionExpression: '#status = :brouillon AND depositorSiret = :siret AND mainFileId = :main',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':envoyee': 'ENVOYEE',
          ':brouillon': 'BROUILLON',
          ':cert': w.certificat,
          ':now': w.sentAt,
          ':user': w.sentBy,
          ':hashes': [...w.fileHashes],
          ':siret': w.depositorSiret,
          ':main': w.mainFileId,
        },
      },
    };
  }
  if (w.kind === 'ETAT_ACOMPTE_CUMUL') {
    // The dossier's latest état replaces its earlier one (the MOE's and the MOA's corrections)
    const { kind: _k, ...fields } = w;
    return {
      Put: {
        TableName: table,
        Item: {
          ...keys.etatAcompteCumul(w.marcheId, w.fournisseurSiret, w.dossierId),
          entity: 'ETAT_ACOMPTE',
          ...fields,
        },
      },
    };
  }
  if (w.kind === 'ETAT_ACOMPTE_SEQUENCE') {
    return {
      Update: {
        TableName: table,
        Key: keys.etatAcompteSequence(w.marcheId, w.fournisseurSiret),
        UpdateExpression: 'SET version = :next, entity = :entity, updatedAt = :now',
        ConditionExpression: w.expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
        ExpressionAttributeValues: {
          ':next': w.expectedVersion + 1,
          ':entity': 'ETAT_ACOMPTE_SEQ',
          ':now': w.at,
          ...(w.expectedVersion === 0 ? {} : { ':expected': w.expectedVersion }),
        },
      },
    };
  }
  return {
    Update: {
      TableName: table,
      Key: keys.pieceFile(w.dossierId, w.pieceId, w.fileId),
      UpdateExpression: 'SET #status = :annule, releasedAt = :now',
      ConditionExpression: '#status = :attendu',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':annule': 'ANNULE', ':attendu': 'ATTENDU', ':now': w.at },
    },
  };
}

/** A co-write of a dossier save failed its condition (e.g. a file was uploaded, or the piece sent, meanwhile). */
export class CoWriteConflict extends Error {
  override readonly name = 'CoWriteConflict';
  constructor(readonly coWrite: PieceCoWrite) {
    super(`${coWrite.kind} of piece ${coWrite.pieceId} failed its condition`);
  }
}
