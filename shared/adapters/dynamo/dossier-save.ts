import { DomainError } from '../../domain/errors';
import { encodeDossierState } from './dossier-state-codec';
import type { DossierWrite, StoredPending } from './dossier-types';
import { gsi1, gsi2, keys } from './keys';
import { openDossiersPartition } from './open-dossiers';
import { pieceCoWriteItem } from './piece-co-writes';
import { counterDeltas, counterItems } from './structure-counters';
import type { TransactItem } from './transactions';

/** The new head of the dossier once saved: its version and the end of its audit chain. */
export interface SaveHead {
  readonly version: number;
  readonly seq: number;
  readonly hash: string;
  readonly now: string;
}

/**
 * The items of one dossier save, in order: META (conditioned on the version and audit chain read), the new events,
 * the DGP clock (and its service financier's index item), the pending action and its other actors' index entries,
 * the board entries, the structures' counters, then the typed co-writes and the notification items. `firstCoWrite` is the position of the first co-write, to name the one that failed.
 */
export function dossierSaveItems(
  table: string,
  w: DossierWrite,
  head: SaveHead,
  chained: readonly { readonly seq: number }[],
): { items: TransactItem[]; firstCoWrite: number } {
  const items: TransactItem[] = [metaItem(table, w, head)];
  for (const e of chained) {
    items.push({
      Put: {
        TableName: table,
        Item: { ...keys.event(w.dossierId, e.seq), event: e },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  if (w.clock) items.push(...clockItems(table, w.dossierId, w.marcheId, w.clock, w.clockView));
  items.push(...pendingItems(table, w));
  const openChanged = w.previousOpen !== undefined && w.open !== w.previousOpen;
  if (w.status !== w.previousStatus || openChanged) items.push(...statusEntries(table, w, head));
  if (w.previousOpen === undefined || openChanged) items.push(...stateEntry(table, w, head));
  // The structures' counters (Tableau de bord, Synthèse total), moved in the same transaction
  items.push(...counterItems(table, w.dossierId, counterDeltas(w)));
  const firstCoWrite = items.length;
  items.push(...(w.coWrites ?? []).map((c) => pieceCoWriteItem(table, c)));
  items.push(...(w.notificationItems ?? []));
  return { items, firstCoWrite };
}

/**
 * The dossier's entries under its status and open or closed state, rewritten when either changes: one board entry per
 * structure (what « Rechercher » reads by status: its open board, or once closed its closed board, so that the open
 * board holds only the open dossiers), and its entry in its marché's list by status (each Put replaces the entry
 * under the previous ones).
 */
function statusEntries(table: string, w: DossierWrite, head: SaveHead): TransactItem[] {
  const items: TransactItem[] = [...new Set(w.structures)].map((siret) => ({
    Put: {
      TableName: table,
      Item: { ...keys.boardEntry(w.dossierId, siret), ...gsi2.boardOf(siret, w.status, w.dossierId, w.open) },
    },
  }));
  const createdAt = w.expectedVersion === 0 ? head.now : w.createdAt;
  if (createdAt) {
    items.push({
      Put: {
        TableName: table,
        Item: {
          ...keys.marcheStatusEntry(w.dossierId),
          ...gsi2.dossierOfMarcheInStatus(w.marcheId, w.status, createdAt),
        },
      },
    });
  }
  return items;
}

/**
 * The dossier among its marché's open or closed dossiers: a separate item, written when the dossier opens and when
 * it closes only (on the status's item, every status change would rewrite its GSI1 entry too).
 */
function stateEntry(table: string, w: DossierWrite, head: SaveHead): TransactItem[] {
  const createdAt = w.expectedVersion === 0 ? head.now : w.createdAt;
  if (!createdAt) return [];
  const item = {
    ...keys.marcheStateEntry(w.dossierId),
    ...gsi1.dossierOfMarcheOpenOrClosed(w.marcheId, w.open, createdAt),
  };
  return [{ Put: { TableName: table, Item: item } }];
}

function metaItem(table: string, w: DossierWrite, head: SaveHead): TransactItem {
  const metaKey = keys.dossier(w.dossierId);
  const metaAttrs = {
    marcheId: w.marcheId,
    status: w.status,
    open: w.open,
    state: encodeDossierState(w.state),
    version: head.version,
    structures: [...w.structures],
    updatedAt: head.now,
    lastEventSeq: head.seq,
    lastEventHash: head.hash,
  };
  if (w.expectedVersion === 0) {
    return {
      Put: {
        TableName: table,
        Item: {
          ...metaKey,
          ...metaAttrs,
          createdAt: head.now,
          ...gsi2.dossierOfMarche(w.marcheId, head.now),
          ...(w.open ? { gsi1pk: openDossiersPartition(w.dossierId), gsi1sk: `${head.now}#${w.dossierId}` } : {}),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':expected': w.expectedVersion, ':seqRead': w.lastEventSeq };
  const sets: string[] = [];
  for (const [k, v] of Object.entries(metaAttrs)) {
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  const remove = w.open ? '' : ' REMOVE gsi1pk, gsi1sk';
  return {
    Update: {
      TableName: table,
      Key: metaKey,
      UpdateExpression: `SET ${sets.join(', ')}${remove}`,
      // The audit chain too: a workflow record appended since the read (same version) must not be overwritten
      ConditionExpression: '#version = :expected AND #lastEventSeq = :seqRead',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * The CLOCK item, indexed under the MOA while the clock is open; and, when the service financier is another
 * structure, its own index item (`CLOCK#siret`) put while the clock is open and deleted once it is not, so that both
 * public buyers follow the delay in their « Délais ». The parties of a dossier are fixed when it opens.
 */
function clockItems(
  table: string,
  dossierId: string,
  marcheId: string,
  clock: NonNullable<DossierWrite['clock']>,
  view: DossierWrite['clockView'],
): TransactItem[] {
  if (clock.unchanged) {
    // Only the recorded view, if any: the clock, its index entries and the service financier's copy stand as read
    return view
      ? [
          {
            Update: {
              TableName: table,
              Key: keys.dgpClock(dossierId),
              UpdateExpression: 'SET #view = :view',
              ExpressionAttributeNames: { '#view': 'view' },
              ExpressionAttributeValues: { ':view': view },
            },
          },
        ]
      : [];
  }
  const indexed = clock.open && clock.echeance ? clock.echeance : null;
  const index = indexed ? gsi1.dgpOf(clock.moaSiret, indexed, dossierId) : null;
  // The marché and the opening piece name the dossier in the Délais view, read from the index alone
  const copied = {
    clock: clock.value,
    interestBase: clock.interestBase ?? null,
    marcheId,
    ...(clock.piece ? { piece: { cadre: clock.piece.cadre, numero: clock.piece.numero } } : {}),
  };
  const sets = ['#clock = :clock', 'interestBase = :base', 'marcheId = :marcheId'];
  if (clock.piece) sets.push('piece = :piece');
  if (view) sets.push('#view = :view');
  if (index) sets.push('gsi1pk = :g1pk', 'gsi1sk = :g1sk');
  const items: TransactItem[] = [
    {
      // An Update, not a Put: the recorded view (`view`) stays until a change records the next
      Update: {
        TableName: table,
        Key: keys.dgpClock(dossierId),
        UpdateExpression: `SET ${sets.join(', ')}${index ? '' : ' REMOVE gsi1pk, gsi1sk'}`,
        ExpressionAttributeNames: { '#clock': 'clock', ...(view ? { '#view': 'view' } : {}) },
        ExpressionAttributeValues: {
          ':clock': copied.clock,
          ...(view ? { ':view': view } : {}),
          ':base': copied.interestBase,
          ':marcheId': marcheId,
          ...(copied.piece ? { ':piece': copied.piece } : {}),
          ...(index ? { ':g1pk': index.gsi1pk, ':g1sk': index.gsi1sk } : {}),
        },
      },
    },
  ];
  const sf = clock.serviceFinancierSiret;
  if (sf && sf !== clock.moaSiret) {
    const key = keys.dgpClockOf(dossierId, sf);
    items.push(
      indexed
        ? { Put: { TableName: table, Item: { ...key, ...copied, ...gsi1.dgpOf(sf, indexed, dossierId) } } }
        : { Delete: { TableName: table, Key: key } },
    );
  }
  return items;
}

/** The PENDING item (conditioned on the task token read) and one index entry per other structure that may act. */
function pendingItems(table: string, w: DossierWrite): TransactItem[] {
  if (w.pending === undefined) return [];
  const tokenCondition =
    w.expectedTaskToken === undefined
      ? {}
      : w.expectedTaskToken === null
        ? { ConditionExpression: 'attribute_not_exists(taskToken)' }
        : {
            ConditionExpression: 'taskToken = :token',
            ExpressionAttributeValues: { ':token': w.expectedTaskToken },
          };
  const items: TransactItem[] = [];
  const pending = w.pending;
  if (pending === null) {
    items.push({ Delete: { TableName: table, Key: keys.pendingAction(w.dossierId), ...tokenCondition } });
  } else {
    items.push({
      Put: {
        TableName: table,
        Item: {
          ...keys.pendingAction(w.dossierId),
          pending: { ...pending, taskToken: undefined },
          ...gsi1.pendingFor(pending.actorSiret, pending.deadlineAt, w.dossierId),
        },
        ...tokenCondition,
      },
    });
  }
  // The other structures that may act in this wait see it in their "Synthèse" too: one index entry each.
  const next = pending ? otherActorSirets(pending) : [];
  for (const siret of next) {
    items.push({
      Put: {
        TableName: table,
        Item: {
          ...keys.pendingActionOf(w.dossierId, siret),
          pending: { ...pending, taskToken: undefined },
          ...gsi1.pendingFor(siret, (pending as StoredPending).deadlineAt, w.dossierId),
        },
      },
    });
  }
  for (const siret of w.previousPending ? otherActorSirets(w.previousPending) : []) {
    if (!next.includes(siret)) {
      items.push({ Delete: { TableName: table, Key: keys.pendingActionOf(w.dossierId, siret) } });
    }
  }
  return items;
}

function otherActorSirets(p: StoredPending): string[] {
  const others = (p.otherActors as { actorSiret: string }[] | undefined) ?? [];
  return [...new Set(others.map((o) => o.actorSiret))].filter((siret) => siret !== p.actorSiret);
}

/** The META condition failed on a creation, or on an update whose version moved: the user's error. */
export function metaConditionError(creating: boolean): DomainError {
  return creating
    ? new DomainError('DOSSIER_EXISTE_DEJA', 'Ce dossier existe déjà.', 'CONFLICT')
    : new DomainError(
        'VERSION_PERIMEE',
        'Le dossier a été modifié entre-temps : rechargez-le et refaites votre action.',
        'STALE',
      );
}

export const concurrentChange = (): DomainError =>
  new DomainError(
    'MODIFICATION_CONCURRENTE',
    'Le dossier est en cours de modification par une autre demande : rechargez-le et refaites votre action.',
    'CONFLICT',
  );
