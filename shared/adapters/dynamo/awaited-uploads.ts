import type { PieceFile } from '../../domain/pieces';
import { type DocumentClient, QueryCommand, UpdateCommand } from './document-client';
import { keys, TABLE_KEYS } from './keys';
import { parseFile } from './piece-items';
import { itemsOfEntries } from './query';

/**
 * The upload forms still awaiting their file (sparse GSI1 partition `UPLOAD#ATTENDU`, sorted by the form's expiry):
 * every file item enters it at its reservation (piece-store.ts `reserve`) and leaves it once the sweeper has seen
 * it settled (verified, refused, released, removed). The sweeper reads the entries whose form expired before an
 * instant: an upload whose S3 ObjectCreated event never arrived is among them.
 */
const PARTITION = 'UPLOAD#ATTENDU';
const gsi = TABLE_KEYS.gsi1;

export class AwaitedUploads {
  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  /** Files whose form expired before `before`, oldest first, `limit` at most; `more` when others remain. */
  async expiredBefore(before: Date, limit: number): Promise<{ files: PieceFile[]; more: boolean }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: gsi.name,
        KeyConditionExpression: '#pk = :pk AND #sk < :before',
        ExpressionAttributeNames: { '#pk': gsi.partitionKey, '#sk': gsi.sortKey },
        ExpressionAttributeValues: { ':pk': PARTITION, ':before': before.toISOString() },
        Limit: limit,
      }),
    );
    // The index projects the files' keys only (keys.ts): the files themselves by key, one BatchGet
    const files = await itemsOfEntries(this.client, this.table, page.Items ?? [], gsi);
    return { files: files.map(parseFile), more: page.LastEvaluatedKey !== undefined };
  }

  /** Takes a settled file out of the index (never one still ATTENDU); false when it is still awaited. */
  async forget(file: Pick<PieceFile, 'dossierId' | 'pieceId' | 'fileId'>): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.pieceFile(file.dossierId, file.pieceId, file.fileId),
          UpdateExpression: 'REMOVE #pk, #sk',
          ConditionExpression: 'attribute_exists(pk) AND #status <> :attendu',
          ExpressionAttributeNames: { '#pk': gsi.partitionKey, '#sk': gsi.sortKey, '#status': 'status' },
          ExpressionAttributeValues: { ':attendu': 'ATTENDU' },
        }),
      );
      return true;
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }
}
