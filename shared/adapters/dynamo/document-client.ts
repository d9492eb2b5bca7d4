import { randomUUID } from 'node:crypto';
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, type marshallOptions, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AwsCredentialIdentity } from '@smithy/types';
import { environmentIdentity } from '../aws-identity';
import { AwsJsonService, AwsServiceError } from '../aws-json';

/**
 * The DynamoDB document client of the functions: the commands of `@aws-sdk/lib-dynamodb` (same names, same inputs
 * and outputs in native JavaScript values, marshalled by `@aws-sdk/util-dynamodb` as that library does) sent as
 * signed JSON requests by `AwsJsonService` instead of through the SDK's DynamoDB client
 * (docs/DESIGN.md#talking-to-aws-without-the-sdk-clients). Errors keep the SDK's names: `ConditionalCheckFailedException` and
 * `TransactionCanceledException` (with its `CancellationReasons`) are classes of this module.
 *
 * Interceptors (`use`) see every command with its native input and output, as the SDK's middleware did: tests count
 * round trips through them, benchmarks ask for consumed capacity.
 */

export type Operation =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'Scan'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'TransactWriteItems'
  | 'DescribeTable';

/** A command: its operation and its input; `O` is the type of what `send` resolves with. */
export abstract class DocumentCommand<I extends object, O> {
  abstract readonly operation: Operation;
  declare readonly outputType?: O;

  constructor(readonly input: I) {}

  /** The SDK's name of the low-level command (`GetItemCommand`), as its middleware saw it. */
  get commandName(): string {
    return `${this.operation}Command`;
  }

  /** The same command with another input (an interceptor adding a parameter, as ReturnConsumedCapacity). */
  withInput(input: I): this {
    return Object.assign(Object.create(Object.getPrototypeOf(this) as object), this, { input }) as this;
  }
}

type Out<T> = Omit<T, '$metadata'> & { $metadata: { httpStatusCode?: number; attempts?: number } };

export class GetCommand extends DocumentCommand<GetCommandInput, Out<GetCommandOutput>> {
  readonly operation = 'GetItem';
}
export class PutCommand extends DocumentCommand<PutCommandInput, Out<PutCommandOutput>> {
  readonly operation = 'PutItem';
}
export class UpdateCommand extends DocumentCommand<UpdateCommandInput, Out<UpdateCommandOutput>> {
  readonly operation = 'UpdateItem';
}
export class DeleteCommand extends DocumentCommand<DeleteCommandInput, Out<DeleteCommandOutput>> {
  readonly operation = 'DeleteItem';
}
export class QueryCommand extends DocumentCommand<QueryCommandInput, Out<QueryCommandOutput>> {
  readonly operation = 'Query';
}
export class ScanCommand extends DocumentCommand<ScanCommandInput, Out<ScanCommandOutput>> {
  readonly operation = 'Scan';
}
export class BatchGetCommand extends DocumentCommand<BatchGetCommandInput, Out<BatchGetCommandOutput>> {
  readonly operation = 'BatchGetItem';
}
export class BatchWriteCommand extends DocumentCommand<BatchWriteCommandInput, Out<BatchWriteCommandOutput>> {
  readonly operation = 'BatchWriteItem';
}
export class TransactWriteCommand extends DocumentCommand<TransactWriteCommandInput, Out<TransactWriteCommandOutput>> {
  readonly operation = 'TransactWriteItems';
}

/** The table's description (the health check's probe). */
export class DescribeTableCommand extends DocumentCommand<
  { readonly TableName: string },
  { readonly Table?: { readonly TableStatus?: string; readonly ItemCount?: number } }
> {
  readonly operation = 'DescribeTable';
}

/** A condition of a PutItem, UpdateItem or DeleteItem was false. */
export class ConditionalCheckFailedException extends AwsServiceError {}

/** A transaction was cancelled; `CancellationReasons` says why, item by item (`ConditionalCheckFailed`, `None`…). */
export class TransactionCanceledException extends AwsServiceError {
  declare readonly CancellationReasons?: readonly { Code?: string; Message?: string; Item?: Record<string, unknown> }[];
}

/** Another transaction was writing one of the items (a conflict outside a transaction's cancellation). */
export class TransactionConflictException extends AwsServiceError {}

type Send = (command: DocumentCommand<object, unknown>) => Promise<unknown>;
export type Interceptor = (next: Send) => Send;

export interface DocumentClientOptions {
  readonly region: () => Promise<string>;
  readonly credentials: () => Promise<AwsCredentialIdentity>;
  /** DynamoDB's address when it is not AWS's regional one (DynamoDB Local). */
  readonly endpoint?: string;
  readonly backoff?: (attempt: number, throttled: boolean) => Promise<void>;
}

/** The marshalling of shared/adapters/dynamo: undefined attributes dropped, class instances refused. */
const MARSHALL: marshallOptions = { removeUndefinedValues: true, convertClassInstanceToMap: false };

export class DocumentClient {
  private readonly service: AwsJsonService;
  private readonly interceptors = new Map<string, Interceptor>();
  private chain: Send;

  constructor(options: DocumentClientOptions) {
    this.service = new AwsJsonService({
      signingName: 'dynamodb',
      targetPrefix: 'DynamoDB_20120810',
      endpoint: (region) => new URL(options.endpoint ?? `https://dynamodb.${region}.amazonaws.com`),
      region: options.region,
      credentials: options.credentials,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      errors: { ConditionalCheckFailedException, TransactionCanceledException, TransactionConflictException },
    });
    this.chain = (command) => this.execute(command);
  }

  /** The client of this process's environment: AWS_REGION, the role's credentials, AWS_ENDPOINT_URL_DYNAMODB. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): DocumentClient {
    return new DocumentClient({
      ...environmentIdentity(env),
      ...(env.AWS_ENDPOINT_URL_DYNAMODB ? { endpoint: env.AWS_ENDPOINT_URL_DYNAMODB } : {}),
    });
  }

  /** A client of the DynamoDB at `endpoint` (DynamoDB Local) with fixed region and credentials. */
  static at(endpoint: string, region: string, credentials: AwsCredentialIdentity): DocumentClient {
    return new DocumentClient({ endpoint, region: async () => region, credentials: async () => credentials });
  }

  send<I extends object, O>(command: DocumentCommand<I, O>): Promise<O> {
    return this.chain(command as DocumentCommand<object, unknown>) as Promise<O>;
  }

  /** Adds (or replaces) the interceptor `name`; the last added runs first. */
  use(name: string, interceptor: Interceptor): void {
    this.interceptors.set(name, interceptor);
    this.rebuild();
  }

  remove(name: string): void {
    this.interceptors.delete(name);
    this.rebuild();
  }

  /** The milliseconds of each exchange on the wire, signing and parsing excluded (`AwsJsonService.onExchange`). */
  onExchange(listener: (ms: number) => void): () => void {
    return this.service.onExchange(listener);
  }

  private rebuild(): void {
    let chain: Send = (command) => this.execute(command);
    for (const interceptor of this.interceptors.values()) chain = interceptor(chain);
    this.chain = chain;
  }

  private async execute(command: DocumentCommand<object, unknown>): Promise<unknown> {
    const body = JSON.stringify(marshallInput(command.operation, command.input), binaryAsBase64);
    try {
      const { value, attempts } = await this.service.call(command.operation, body);
      const output = unmarshallOutput(command.operation, value as Record<string, unknown>);
      return { ...output, $metadata: { httpStatusCode: 200, attempts } };
    } catch (e) {
      if (e instanceof TransactionCanceledException && e.CancellationReasons) {
        Object.assign(e, {
          CancellationReasons: e.CancellationReasons.map((r) => (r.Item ? { ...r, Item: fromAttributes(r.Item) } : r)),
        });
      }
      throw e;
    }
  }
}

type Json = Record<string, unknown>;
type Item = Record<string, unknown>;

const toAttributes = (item: unknown): unknown => (item === undefined ? undefined : marshall(item as Item, MARSHALL));
const fromAttributes = (item: unknown): unknown =>
  item === undefined ? undefined : unmarshall(itemWithBytes(item as Record<string, AttributeJson>) as never);

/** `o` with each named field mapped by `f` (fields absent stay absent). */
function mapFields(o: unknown, fields: readonly string[], f: (v: unknown) => unknown): Json | undefined {
  if (o === undefined || o === null) return undefined;
  const copy: Json = { ...(o as Json) };
  for (const field of fields) if (copy[field] !== undefined) copy[field] = f(copy[field]);
  return copy;
}

const mapValues = (o: unknown, f: (v: unknown) => unknown): Json | undefined =>
  o === undefined ? undefined : Object.fromEntries(Object.entries(o as Json).map(([k, v]) => [k, f(v)]));

const each = (f: (v: unknown) => unknown) => (list: unknown) => (list as unknown[]).map(f);

const KEYED = ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;

/** The input as DynamoDB's JSON protocol takes it: every item, key and value as attribute values. */
export function marshallInput(operation: Operation, input: object): Json {
  const i = input as Json;
  switch (operation) {
    case 'BatchGetItem':
      return {
        ...i,
        RequestItems: mapValues(i.RequestItems, (request) => mapFields(request, ['Keys'], each(toAttributes))),
      };
    case 'BatchWriteItem':
      return { ...i, RequestItems: mapValues(i.RequestItems, each(marshallWriteRequest)) };
    case 'TransactWriteItems':
      return {
        ...i,
        // As the SDK fills it in: the attempts of one send carry the same token, so a transaction that succeeded
        // before its answer was lost is not applied again, nor refused by its own conditions, when tried again
        ClientRequestToken: i.ClientRequestToken ?? randomUUID(),
        TransactItems: (i.TransactItems as Json[]).map((t) =>
          mapValues(t, (action) => mapFields(action, KEYED, toAttributes)),
        ),
      };
    default:
      return mapFields(i, KEYED, toAttributes) as Json;
  }
}

const marshallWriteRequest = (r: unknown) =>
  mapFields(r, ['PutRequest', 'DeleteRequest'], (w) => mapFields(w, ['Item', 'Key'], toAttributes));
const unmarshallWriteRequest = (r: unknown) =>
  mapFields(r, ['PutRequest', 'DeleteRequest'], (w) => mapFields(w, ['Item', 'Key'], fromAttributes));

/** The output in native values: items, keys and returned attributes unmarshalled. */
export function unmarshallOutput(operation: Operation, output: Json): Json {
  switch (operation) {
    case 'Query':
    case 'Scan':
      return mapFields(output, ['Items', 'LastEvaluatedKey'], (v) =>
        Array.isArray(v) ? v.map(fromAttributes) : fromAttributes(v),
      ) as Json;
    case 'BatchGetItem':
      return mapFields(output, ['Responses', 'UnprocessedKeys'], (tables) =>
        mapValues(tables, (t) =>
          Array.isArray(t) ? t.map(fromAttributes) : mapFields(t, ['Keys'], each(fromAttributes)),
        ),
      ) as Json;
    case 'BatchWriteItem':
      return mapFields(output, ['UnprocessedItems'], (tables) =>
        mapValues(tables, each(unmarshallWriteRequest)),
      ) as Json;
    default:
      return mapFields(output, ['Item', 'Attributes'], fromAttributes) as Json;
  }
}

/** JSON.stringify's replacer: binary attribute values (Uint8Array, Buffer) as base64, as the protocol carries them. */
function binaryAsBase64(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Json)[key];
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  return value;
}

const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** An attribute value as DynamoDB's JSON carries it: binary values (`B`, `BS`) in base64. */
type AttributeJson = Record<string, unknown>;

/**
 * The item with its binary values decoded, for `unmarshall` (which takes bytes): only `B`, `BS` and the lists and
 * maps that may hold them are walked, rather than every key of the answer (a JSON.parse reviver took twice the time
 * of parsing and unmarshalling a 10 KB Query answer).
 */
function itemWithBytes(item: Record<string, AttributeJson>): Record<string, AttributeJson> {
  const out: Record<string, AttributeJson> = {};
  for (const name in item) out[name] = valueWithBytes(item[name] as AttributeJson);
  return out;
}

function valueWithBytes(value: AttributeJson): AttributeJson {
  if (typeof value.B === 'string') return { B: fromBase64(value.B) };
  if (Array.isArray(value.BS)) return { BS: (value.BS as string[]).map(fromBase64) };
  if (Array.isArray(value.L)) return { L: (value.L as AttributeJson[]).map(valueWithBytes) };
  if (value.M) return { M: itemWithBytes(value.M as Record<string, AttributeJson>) };
  return value;
}

/** The pages of a Query, each asked with the previous page's LastEvaluatedKey (the SDK's `paginateQuery`). */
export async function* paginateQuery(
  config: { readonly client: DocumentClient },
  input: QueryCommandInput,
): AsyncGenerator<Out<QueryCommandOutput>> {
  let start = input.ExclusiveStartKey;
  do {
    const page = await config.client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield page;
    start = page.LastEvaluatedKey;
  } while (start);
}

/** The pages of a Scan (or of one segment of it), as `paginateQuery`. */
export async function* paginateScan(
  config: { readonly client: DocumentClient },
  input: ScanCommandInput,
): AsyncGenerator<Out<ScanCommandOutput>> {
  let start = input.ExclusiveStartKey;
  do {
    const page = await config.client.send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
    yield page;
    start = page.LastEvaluatedKey;
  } while (start);
}

export type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  QueryCommandInput,
  TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
