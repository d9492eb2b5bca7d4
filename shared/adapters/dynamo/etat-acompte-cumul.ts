import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { EtatPrecedent } from '../../domain/circuits';
import { keys } from './keys';

/**
 * The marché's sequence of a company's états d'acompte: one item per dossier holding the cumul of its latest état
 * (written with the piece's send, `ETAT_ACOMPTE_CUMUL` co-write), read by key range to find the acompte just before
 * a dossier (dossier ids are time-ordered). A Query on the marché's partition, never a Scan.
 */
const cumulItem = z.object({ dossierId: z.string(), numero: z.string(), cumulHtCents: z.number().int() });

export async function previousEtatAcompte(
  client: DynamoDBDocumentClient,
  table: string,
  marcheId: string,
  fournisseurSiret: string,
  dossierId: string,
): Promise<EtatPrecedent | undefined> {
  const own = keys.etatAcompteCumul(marcheId, fournisseurSiret, dossierId);
  const { Items } = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':pk': own.pk, ':lo': `ETAT_ACOMPTE#${fournisseurSiret}#`, ':hi': own.sk },
      ScanIndexForward: false,
      Limit: 2,
    }),
  );
  const before = (Items ?? []).find((i) => i.sk !== own.sk);
  if (!before) return undefined;
  const item = cumulItem.parse(before);
  return { dossierId: item.dossierId, numero: item.numero, cumulHtCents: item.cumulHtCents };
}
