import { type ChainedEvent, GENESIS_HASH } from '../audit';
import type { DocumentClient } from './document-client';
import { decodeDossierState } from './dossier-state-codec';
import type { DossierSnapshot, RecordedClockView, StoredPending, WorkflowMarks } from './dossier-types';
import { keys } from './keys';
import { queryAll, type RawItem } from './query';

/** A dossier's partition: the dossier (absent before its first deposit), its pieces and files as stored. */
export interface DossierPartition<S, C> {
  readonly snapshot: DossierSnapshot<S, C> | undefined;
  readonly pieces: RawItem[];
  readonly files: RawItem[];
}

/**
 * A dossier read from its partition, in ONE Query: what the read functions need of the dossier store, without the
 * transactions that write it (`DossierStore`, which extends it), so that their bundles leave those out (issue 16).
 */
export class DossierPartitionReader {
  constructor(
    protected readonly client: DocumentClient,
    protected readonly table: string,
  ) {}

  async load<S, C>(dossierId: string): Promise<DossierSnapshot<S, C> | undefined> {
    return (await this.partition<S, C>(dossierId)).snapshot;
  }

  /**
   * The dossier's partition in ONE Query: the dossier (none before its first deposit) and its pieces and files,
   * drafts included (what « Valider et envoyer » reads).
   */
  async partition<S, C>(dossierId: string): Promise<DossierPartition<S, C>> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.dossier(dossierId).pk },
      ConsistentRead: true,
    });
    const pieces = items.filter((i) => String(i.sk).startsWith('PIECE#'));
    const files = items.filter((i) => String(i.sk).startsWith('FILE#'));
    return { snapshot: snapshotOf<S, C>(dossierId, items, pieces, files), pieces, files };
  }
}

/** A dossier partition's items as its snapshot; undefined before the first deposit (no META). */
function snapshotOf<S, C>(
  dossierId: string,
  items: readonly RawItem[],
  pieces: RawItem[],
  files: RawItem[],
): DossierSnapshot<S, C> | undefined {
  const meta = items.find((i) => i.sk === 'META');
  if (!meta) return undefined;
  const clockItem = items.find((i) => i.sk === 'CLOCK');
  const pendingItem = items.find((i) => i.sk === 'PENDING');
  return {
    dossierId,
    version: meta.version as number,
    marcheId: meta.marcheId as string,
    status: meta.status as string,
    open: meta.open as boolean,
    state: decodeDossierState(meta.state) as S,
    clock: clockItem?.clock as C | undefined,
    pending: pendingItem
      ? ({
          ...(pendingItem.pending as StoredPending),
          taskToken: pendingItem.taskToken as string | undefined,
        } as StoredPending)
      : undefined,
    events: items.filter((i) => String(i.sk).startsWith('EVENT#')).map((i) => i.event as ChainedEvent),
    pieces,
    files,
    createdAt: meta.createdAt as string,
    updatedAt: meta.updatedAt as string,
    lastEventSeq: (meta.lastEventSeq as number) ?? 0,
    lastEventHash: (meta.lastEventHash as string) ?? GENESIS_HASH,
    workflow: {
      generation: (meta.executionGeneration as number | undefined) ?? 0,
      transmittedFor: meta.transmittedFor as string | undefined,
      closedAt: meta.workflowClosedAt as string | undefined,
      failure: meta.workflowFailure as WorkflowMarks['failure'],
    },
    clockRecord: clockItem?.view as RecordedClockView | undefined,
  };
}
