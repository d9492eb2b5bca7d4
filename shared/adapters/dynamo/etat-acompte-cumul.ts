import * as z from 'zod/mini';
import type { EtatPrecedent } from '../../domain/circuits';
import { type DocumentClient, GetCommand, QueryCommand } from './document-client';
import { keys } from './keys';

/**
 * The marché's sequence of a company's états d'acompte: one item per dossier holding the cumul of its latest état
 * (written with the piece's send, `ETAT_ACOMPTE_CUMUL` co-write), read by key range to find the acomptes just before
 * and just after a dossier (dossier ids are time-ordered). Queries on the marché's partition, never a Scan.
 *
 * Two sends of the same company on the same marché may run at once (two dossiers): each checks its cumul against
 * its neighbours as read, so both could pass and leave the sequence decreasing. A sequence item
 * (`ETAT_ACOMPTE_SEQ#siret`, a version) is read before the neighbours and bumped, conditioned on the version read,
 * in each send's transaction (`ETAT_ACOMPTE_SEQUENCE` co-write): of two concurrent sends one commits, the other
 * fails its condition and is sent again against the new neighbours.
 */
const cumulItem = z.object({
  dossierId: z.string(),
  numero: z.string(),
  cumulHtCents: z.number().check(z.int()),
});

export interface EtatAcompteNeighbours {
  readonly previous?: EtatPrecedent;
  readonly next?: EtatPrecedent;
  /** The sequence's version when the neighbours were read (0: none written yet). */
  readonly sequenceVersion: number;
}

export async function etatAcompteNeighbours(
  client: DocumentClient,
  table: string,
  marcheId: string,
  fournisseurSiret: string,
  dossierId: string,
): Promise<EtatAcompteNeighbours> {
  // The version first: any send that commits after this read bumps it, and ours then fails its condition
  const seq = await client.send(
    new GetCommand({
      TableName: table,
      Key: keys.etatAcompteSequence(marcheId, fournisseurSiret),
      ConsistentRead: true,
    }),
  );
  const own = keys.etatAcompteCumul(marcheId, fournisseurSiret, dossierId);
  const prefix = `ETAT_ACOMPTE#${fournisseurSiret}#`;
  const around = (lo: string, hi: string, forward: boolean) =>
    client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': own.pk, ':lo': lo, ':hi': hi },
        ScanIndexForward: forward,
        ConsistentRead: true,
        Limit: 2,
      }),
    );
  const [before, after] = await Promise.all([around(prefix, own.sk, false), around(own.sk, `${prefix}\uffff`, true)]);
  const pick = (items: Record<string, unknown>[] | undefined) => {
    const found = (items ?? []).find((i) => i.sk !== own.sk);
    if (!found) return undefined;
    const item = cumulItem.parse(found);
    return { dossierId: item.dossierId, numero: item.numero, cumulHtCents: item.cumulHtCents };
  };
  const previous = pick(before.Items);
  const next = pick(after.Items);
  return {
    ...(previous ? { previous } : {}),
    ...(next ? { next } : {}),
    sequenceVersion: typeof seq.Item?.version === 'number' ? seq.Item.version : 0,
  };
}
