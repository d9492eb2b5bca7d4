import { type DynamoDBDocumentClient, paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/** A table item as the document client returns it, before the store's own parsing. */
export type RawItem = Record<string, unknown>;

/**
 * Every item of a Query, page after page (the SDK's own paginator), stopping after the page that reaches `limit`
 * items when given: the one paging loop of the stores.
 */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  limit = Number.POSITIVE_INFINITY,
): Promise<RawItem[]> {
  const items: RawItem[] = [];
  for await (const page of paginateQuery({ client }, input)) {
    items.push(...((page.Items ?? []) as RawItem[]));
    if (items.length >= limit) break;
  }
  return items;
}
