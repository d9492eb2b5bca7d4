import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { LAMBDAS, type LambdaDefinition, type LambdaKey } from '../../functions/registry';
import type { Activity } from './activity';
import type { LocalLambdaContext, LocalLambdaHandler } from './types';

export interface LambdaRuntimeOptions {
  readonly root: string;
  readonly region: string;
  readonly account: string;
  readonly activity: Activity;
  /** Logical ID → registry key. */
  readonly functionKeys: ReadonlyMap<string, LambdaKey>;
  /** Logical ID → handler, for functions outside the registry (tests) or to replace one. */
  readonly overrides?: Readonly<Record<string, LocalLambdaHandler>>;
}

/** Thrown when no handler is known for a function: a configuration error, not a handler failure. */
export class UnknownFunctionError extends Error {
  constructor(name: string) {
    super(`fonction Lambda inconnue de la plateforme locale : ${name}`);
    this.name = 'UnknownFunctionError';
  }
}

/**
 * Runs Lambda handlers in this process: a registry entry's file is imported and its export called, as the
 * NodejsFunction built from the same entry would in AWS. Every invocation is tracked by `Activity`.
 */
export class LambdaRuntime {
  private readonly loaded = new Map<string, Promise<LocalLambdaHandler>>();
  private readonly registry: Readonly<Record<string, LambdaDefinition>> = LAMBDAS;

  constructor(private readonly options: LambdaRuntimeOptions) {}

  /** Registry key (or the logical ID itself for an override) of a function name, ARN-free. */
  resolve(functionName: string): string {
    if (this.options.overrides?.[functionName]) return functionName;
    const key = this.options.functionKeys.get(functionName);
    if (key) return key;
    if (functionName in this.registry) return functionName;
    throw new UnknownFunctionError(functionName);
  }

  /** Imports every registry entry now (during the DynamoDB boot), so that a broken handler shows at start. */
  async preload(keys: string[] = Object.keys(this.registry)): Promise<{ key: string; error: unknown }[]> {
    const failures: { key: string; error: unknown }[] = [];
    await Promise.all(
      keys.map((key) =>
        this.handler(key).catch((error: unknown) => {
          failures.push({ key, error });
        }),
      ),
    );
    return failures;
  }

  /** Invokes a function by registry key, logical ID or override name; resolves with what the handler returns. */
  invoke(functionName: string, event: unknown): Promise<unknown> {
    const work = (async () => {
      const key = this.resolve(functionName);
      const handler = await this.handler(key);
      return handler(event, this.context(key));
    })();
    return this.options.activity.track(work);
  }

  private handler(key: string): Promise<LocalLambdaHandler> {
    const override = this.options.overrides?.[key];
    if (override) return Promise.resolve(override);
    let loading = this.loaded.get(key);
    if (!loading) {
      const def = this.registry[key];
      if (!def) return Promise.reject(new UnknownFunctionError(key));
      const file = path.join(this.options.root, def.entry);
      const exportName = def.exportName ?? 'handler';
      loading = import(file).then((mod: Record<string, unknown>) => {
        const fn = mod[exportName];
        if (typeof fn !== 'function') throw new Error(`${def.entry} n'exporte pas de fonction « ${exportName} »`);
        return fn as LocalLambdaHandler;
      });
      loading.catch(() => this.loaded.delete(key));
      this.loaded.set(key, loading);
    }
    return loading;
  }

  private context(key: string): LocalLambdaContext {
    const def = this.registry[key];
    const timeoutMs = (def?.timeoutSeconds ?? 15) * 1000;
    const deadline = Date.now() + timeoutMs;
    const { region, account } = this.options;
    return {
      functionName: key,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${key}`,
      memoryLimitInMB: String(def?.memoryMb ?? 512),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${key}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}
