import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnResource, type Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { LambdaKey } from '../../functions/registry';
import { FacturesTravauxStack } from '../stack';
import { functionNameOf, type LocalResource, localArn, resolveIntrinsics } from './intrinsics';
import type { PlatformExtension } from './types';

export interface TableDefinition {
  readonly keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  readonly attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  readonly globalSecondaryIndexes: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
  }[];
  readonly ttlAttribute?: string;
}

export interface CorsRule {
  readonly allowedOrigins: string[];
  readonly allowedMethods: string[];
  readonly allowedHeaders?: string[];
  readonly exposedHeaders?: string[];
  readonly maxAge?: number;
}

export interface HttpCors {
  readonly allowOrigins: string[];
  readonly allowMethods: string[];
  readonly allowHeaders: string[];
  readonly exposeHeaders: string[];
  readonly maxAge?: number;
}

export interface BucketNotification {
  /** e.g. `s3:ObjectCreated:*`. */
  readonly events: string[];
  readonly prefix?: string;
  readonly suffix?: string;
  /** Logical ID of the target function. */
  readonly functionLogicalId: string;
}

export interface StateMachineModel {
  readonly name: string;
  readonly arn: string;
  readonly logicalId: string;
  /** The ASL with every intrinsic resolved (Lambda ARNs name logical IDs). */
  readonly definition: Record<string, unknown>;
}

/** What the platform reads from the CDK stack: one source for the table, the bucket, the machines. */
export interface LocalModel {
  readonly stack: FacturesTravauxStack;
  readonly table: TableDefinition;
  readonly bucketCors: CorsRule[];
  readonly bucketNotifications: BucketNotification[];
  readonly httpCors?: HttpCors;
  readonly stateMachines: StateMachineModel[];
  /**
   * The environment the stack gives its functions, merged (TABLE_NAME, BUCKET_NAME, UPLOAD_PREFIX, Powertools…),
   * with local names; STATE_MACHINES is left to the platform, which lists every machine.
   */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  /** Logical ID → registry key, for every registry function. */
  readonly functionKeys: ReadonlyMap<string, LambdaKey>;
  readonly extension: PlatformExtension;
}

export interface LocalModelOptions {
  readonly region: string;
  readonly account: string;
  readonly tableName: string;
  readonly bucketName: string;
  readonly extend?: (stack: FacturesTravauxStack) => PlatformExtension | undefined;
}

/**
 * Builds the product stack in memory with bundling turned off (no synth, no asset staging: ~150 ms) and reads
 * from its constructs, through `stack.resolve`, the properties the local services need: the
 * same definitions as AWS runs, none copied by hand.
 */
export function buildLocalModel(options: LocalModelOptions): LocalModel {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'factures-travaux-local-cdk-'));
  const quietBefore = process.env.JSII_DEPRECATED;
  process.env.JSII_DEPRECATED ??= 'quiet';
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new FacturesTravauxStack(app, 'FacturesTravaux', {
      env: { account: options.account, region: options.region },
    });
    const extension = options.extend?.(stack) ?? {};
    return readModel(stack, extension, options);
  } finally {
    if (quietBefore === undefined) delete process.env.JSII_DEPRECATED;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function readModel(stack: FacturesTravauxStack, extension: PlatformExtension, options: LocalModelOptions): LocalModel {
  const machines: Record<string, sfn.StateMachine> = { ...stack.stateMachines(), ...extension.stateMachines };
  const machineNameByLogicalId = new Map<string, string>();
  for (const [name, sm] of Object.entries(machines)) {
    machineNameByLogicalId.set(stack.getLogicalId(sm.node.defaultChild as sfn.CfnStateMachine), name);
  }
  const tableId = stack.getLogicalId(stack.storage.table.node.defaultChild as dynamodb.CfnTable);
  const bucketId = stack.getLogicalId(stack.storage.bucket.node.defaultChild as s3.CfnBucket);

  const resources = new Map<string, LocalResource>();
  for (const child of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(child)) continue;
    const logicalId = stack.getLogicalId(child);
    const type = child.cfnResourceType;
    const name =
      logicalId === tableId
        ? options.tableName
        : logicalId === bucketId
          ? options.bucketName
          : (machineNameByLogicalId.get(logicalId) ?? logicalId);
    resources.set(logicalId, { type, name, arn: localArn(type, name, options.region, options.account) });
  }
  const ctx = { region: options.region, account: options.account, resources };

  return {
    stack,
    table: readTable(stack),
    bucketCors: readBucketCors(stack),
    bucketNotifications: readBucketNotifications(stack, bucketId, ctx),
    httpCors: readHttpCors(stack),
    stateMachines: Object.entries(machines).map(([name, sm]) => {
      const cfn = sm.node.defaultChild as sfn.CfnStateMachine;
      const resolved = resolveIntrinsics(stack.resolve(cfn.definitionString), ctx);
      if (typeof resolved !== 'string') throw new Error(`définition de ${name} : chaîne attendue`);
      let text: string = resolved;
      const substitutions = resolveIntrinsics(stack.resolve(cfn.definitionSubstitutions) ?? {}, ctx) as Record<
        string,
        unknown
      >;
      for (const [key, value] of Object.entries(substitutions)) text = text.split(`\${${key}}`).join(String(value));
      const logicalId = stack.getLogicalId(cfn);
      return {
        name,
        logicalId,
        arn: (resources.get(logicalId) as LocalResource).arn,
        definition: JSON.parse(text) as Record<string, unknown>,
      };
    }),
    functionEnvironment: readFunctionEnvironment(stack, ctx),
    functionKeys: stack.lambdaKeysByLogicalId(),
    extension,
  };
}

const ENV_SET_BY_PLATFORM = new Set(['NODE_OPTIONS', 'STATE_MACHINES', 'AWS_NODEJS_CONNECTION_REUSE_ENABLED']);

function readFunctionEnvironment(
  stack: FacturesTravauxStack,
  ctx: Parameters<typeof resolveIntrinsics>[1],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, fn] of stack.functions.entries()) {
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
    const resolved = resolveIntrinsics(stack.resolve(cfn.environment), ctx) as
      | { variables?: Record<string, unknown> }
      | undefined;
    for (const [name, value] of Object.entries(resolved?.variables ?? {})) {
      if (ENV_SET_BY_PLATFORM.has(name) || name.startsWith('AWS_')) continue;
      if (env[name] !== undefined && env[name] !== String(value)) {
        console.warn(`plateforme locale : ${name} diffère d'une fonction à l'autre ; valeur gardée : ${env[name]}`);
        continue;
      }
      env[name] = String(value);
    }
  }
  return env;
}

function readTable(stack: Stack & { storage: FacturesTravauxStack['storage'] }): TableDefinition {
  const cfn = stack.storage.table.node.defaultChild as dynamodb.CfnTable;
  type Key = { attributeName: string; keyType: 'HASH' | 'RANGE' };
  const keys = (list: Key[]) => list.map((k) => ({ AttributeName: k.attributeName, KeyType: k.keyType }));
  const keySchema = stack.resolve(cfn.keySchema) as Key[];
  const attributes = (stack.resolve(cfn.attributeDefinitions) ?? []) as { attributeName: string; attributeType: 'S' }[];
  const gsis = (stack.resolve(cfn.globalSecondaryIndexes) ?? []) as {
    indexName: string;
    keySchema: Key[];
    projection: { projectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; nonKeyAttributes?: string[] };
  }[];
  const ttl = stack.resolve(cfn.timeToLiveSpecification) as { attributeName?: string; enabled?: boolean } | undefined;
  return {
    keySchema: keys(keySchema),
    attributeDefinitions: attributes.map((a) => ({ AttributeName: a.attributeName, AttributeType: a.attributeType })),
    globalSecondaryIndexes: gsis.map((g) => ({
      IndexName: g.indexName,
      KeySchema: keys(g.keySchema),
      Projection: {
        ProjectionType: g.projection.projectionType,
        ...(g.projection.nonKeyAttributes ? { NonKeyAttributes: g.projection.nonKeyAttributes } : {}),
      },
    })),
    ttlAttribute: ttl?.enabled ? ttl.attributeName : undefined,
  };
}

function readBucketCors(stack: FacturesTravauxStack): CorsRule[] {
  const cfn = stack.storage.bucket.node.defaultChild as s3.CfnBucket;
  const cors = stack.resolve(cfn.corsConfiguration) as { corsRules?: CorsRule[] } | undefined;
  return cors?.corsRules ?? [];
}

function readHttpCors(stack: FacturesTravauxStack): HttpCors | undefined {
  const api = (stack as { api?: { httpApi?: apigw.HttpApi } }).api?.httpApi;
  const cfn = api?.node.defaultChild as apigw.CfnApi | undefined;
  const cors = cfn ? (stack.resolve(cfn.corsConfiguration) as Partial<HttpCors> | undefined) : undefined;
  if (!cors) return undefined;
  return {
    allowOrigins: cors.allowOrigins ?? [],
    allowMethods: cors.allowMethods ?? [],
    allowHeaders: cors.allowHeaders ?? [],
    exposeHeaders: cors.exposeHeaders ?? [],
    maxAge: cors.maxAge,
  };
}

/** CDK writes bucket notifications into a `Custom::S3BucketNotifications` resource; read its configuration. */
function readBucketNotifications(
  stack: FacturesTravauxStack,
  bucketId: string,
  ctx: Parameters<typeof resolveIntrinsics>[1],
): BucketNotification[] {
  const found: BucketNotification[] = [];
  for (const child of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(child) || child.cfnResourceType !== 'Custom::S3BucketNotifications') continue;
    const rendered = stack.resolve((child as unknown as { _toCloudFormation(): unknown })._toCloudFormation()) as {
      Resources: Record<string, { Properties?: Record<string, unknown> }>;
    };
    for (const res of Object.values(rendered.Resources)) {
      const props = res.Properties ?? {};
      const bucketRef = props.BucketName as { Ref?: string } | undefined;
      if (bucketRef?.Ref !== bucketId) continue;
      const config = (props.NotificationConfiguration ?? {}) as {
        LambdaFunctionConfigurations?: {
          Events: string[];
          Filter?: { Key?: { FilterRules?: { Name: string; Value: string }[] } };
          LambdaFunctionArn: unknown;
        }[];
      };
      for (const c of config.LambdaFunctionConfigurations ?? []) {
        const rules = c.Filter?.Key?.FilterRules ?? [];
        const rule = (name: string) => rules.find((r) => r.Name.toLowerCase() === name)?.Value;
        found.push({
          events: c.Events,
          prefix: rule('prefix'),
          suffix: rule('suffix'),
          functionLogicalId: functionNameOf(String(resolveIntrinsics(c.LambdaFunctionArn, ctx))),
        });
      }
    }
  }
  return found;
}
