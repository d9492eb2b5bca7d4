import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { functionNameOf } from '../intrinsics';
import type { LambdaRuntime } from '../lambda-runtime';
import { LocalRuntimeError, TaskFailure } from './errors';

export interface TaskServices {
  readonly runtime: LambdaRuntime;
  readonly dynamodb?: () => DynamoDBClient;
}

function jsonRoundTrip(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/**
 * Runs a Task's resource in-process: Lambda (`lambda:invoke`, with or without `.waitForTaskToken`, wrapped as
 * `{ Payload, StatusCode }`; or a function ARN, result as is) and the DynamoDB item integrations.
 */
export async function invokeTaskResource(resource: string, params: unknown, services: TaskServices): Promise<unknown> {
  const base = resource.replace(/\.(waitForTaskToken|sync(:2)?)$/, '');
  if (base === 'arn:aws:states:::lambda:invoke') {
    const p = (params ?? {}) as { FunctionName?: string; Payload?: unknown };
    if (!p.FunctionName) throw new LocalRuntimeError('lambda:invoke sans FunctionName');
    const result = jsonRoundTrip(await services.runtime.invoke(functionNameOf(p.FunctionName), p.Payload ?? {}));
    return {
      ExecutedVersion: '$LATEST',
      Payload: result,
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: crypto.randomUUID() },
      StatusCode: 200,
    };
  }
  if (/^arn:aws:lambda:/.test(base)) {
    return jsonRoundTrip(await services.runtime.invoke(functionNameOf(base), params));
  }
  const dynamo = /^arn:aws:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)$/.exec(base);
  if (dynamo && services.dynamodb) {
    const Command = {
      getItem: GetItemCommand,
      putItem: PutItemCommand,
      updateItem: UpdateItemCommand,
      deleteItem: DeleteItemCommand,
    }[dynamo[1] as 'getItem'];
    try {
      const output = await services.dynamodb().send(new Command(params as never));
      const { $metadata: _m, ...out } = output as unknown as Record<string, unknown>;
      return jsonRoundTrip(out);
    } catch (error) {
      throw new TaskFailure(`DynamoDB.${(error as Error).name}`, (error as Error).message);
    }
  }
  throw new LocalRuntimeError(`ressource de tâche non prise en charge par la plateforme locale : ${resource}`);
}
