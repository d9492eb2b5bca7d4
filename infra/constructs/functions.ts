import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type LambdaDefinition, type LambdaKey, LAMBDAS } from '../../functions/registry';
import type { Storage } from './storage';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface FunctionsProps {
  readonly storage: Storage;
}

/** One NodejsFunction per entry of `functions/registry.ts`, bundled locally by esbuild (no Docker). */
export class Functions extends Construct {
  private readonly fns = new Map<LambdaKey, NodejsFunction>();

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    for (const [key, def] of Object.entries(LAMBDAS) as [LambdaKey, LambdaDefinition][]) {
      const fn = new NodejsFunction(this, key, {
        entry: path.join(ROOT, def.entry),
        handler: def.exportName ?? 'handler',
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        description: def.description,
        timeout: Duration.seconds(def.timeoutSeconds ?? 15),
        memorySize: def.memoryMb ?? 512,
        logGroup: new logs.LogGroup(this, `${key}Logs`, { retention: logs.RetentionDays.ONE_YEAR }),
        environment: {
          TABLE_NAME: props.storage.table.tableName,
          BUCKET_NAME: props.storage.bucket.bucketName,
          POWERTOOLS_SERVICE_NAME: 'factures-travaux',
          NODE_OPTIONS: '--enable-source-maps',
        },
        bundling: {
          format: OutputFormat.ESM,
          target: 'node22',
          sourceMap: true,
          forceDockerBundling: false,
          mainFields: ['module', 'main'],
          banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        },
      });
      const access = def.access ?? {};
      if (access.table === 'read') props.storage.table.grantReadData(fn);
      if (access.table === 'readWrite') props.storage.table.grantReadWriteData(fn);
      if (access.bucket === 'read') props.storage.bucket.grantRead(fn);
      if (access.bucket === 'readWrite') props.storage.bucket.grantReadWrite(fn);
      if (access.bucket === 'readWriteDelete') {
        props.storage.bucket.grantReadWrite(fn);
        props.storage.bucket.grantDelete(fn);
      }
      this.fns.set(key, fn);
    }
  }

  get(key: LambdaKey): NodejsFunction {
    const fn = this.fns.get(key);
    if (!fn) throw new Error(`unknown function ${key}`);
    return fn;
  }

  entries(): [LambdaKey, NodejsFunction][] {
    return [...this.fns.entries()];
  }

  /** Grants start / callback rights on the state machines according to each function's declared access. */
  grantStateMachines(machines: sfn.StateMachine[]): void {
    for (const [key, fn] of this.fns) {
      const def: LambdaDefinition = LAMBDAS[key];
      const mode = def.access?.stateMachines;
      if (!mode) continue;
      for (const sm of machines) {
        if (mode === 'start' || mode === 'startAndCallback') sm.grantStartExecution(fn);
        if (mode === 'callback' || mode === 'startAndCallback') sm.grantTaskResponse(fn);
        if (mode === 'start' || mode === 'startAndCallback') sm.grantRead(fn);
      }
      if (machines.length > 0) fn.addEnvironment('STATE_MACHINES', JSON.stringify(Object.fromEntries(machines.map((m) => [m.node.id, m.stateMachineArn]))));
    }
  }
}
