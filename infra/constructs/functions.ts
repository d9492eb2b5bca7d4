import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { invokedFunctionEnv, LAMBDAS, type LambdaDefinition, type LambdaKey } from '../../functions/registry';
import { EVIDENCE_PACK_RETENTION_DAYS, EVIDENCE_PREFIX } from '../../shared/adapters/s3';
import { bundleDefine, LAMBDA_BUNDLE, sourceMapsWanted } from './bundling';
import { acknowledgeNag, iam5Resource } from './nag';
import { type Storage, UPLOAD_PREFIX } from './storage';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Explicit action lists per declared access: no `Scan` (no Scan on a user path), no `*` in actions. */
const TABLE_ACTIONS = {
  read: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DescribeTable',
  ],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DescribeTable',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
} as const;

/** Object actions; `DeleteObject` on a versioned, locked bucket only adds a delete marker. */
const OBJECT_ACTIONS = {
  read: ['s3:GetObject', 's3:GetObjectVersion'],
  readWrite: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:AbortMultipartUpload'],
  readWriteDelete: [
    's3:GetObject',
    's3:GetObjectVersion',
    's3:PutObject',
    's3:AbortMultipartUpload',
    's3:DeleteObject',
  ],
  readWritePacks: ['s3:GetObject', 's3:GetObjectVersion'],
} as const;

/** What `readWritePacks` may do under the evidence packs' prefix only: write a pack with its own retention. */
const PACK_ACTIONS = ['s3:PutObject', 's3:PutObjectRetention', 's3:AbortMultipartUpload'] as const;

/** The singleton Lambda that CDK adds to configure bucket notifications (fixed id in aws-cdk-lib). */
/**
 * The resource of the resume's grant on a machine's executions (`StateMachine.grantExecution`) as cdk-nag prints it
 * in its IAM5 finding: the machine's name is taken from its ARN by an intrinsic, printed as JSON.
 */
function executionsFinding(stack: Stack, machineLogicalId: string): string {
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const name = JSON.stringify({ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: machineLogicalId }] }] });
  return `arn:<AWS::Partition>:states:${region}:${account}:execution:${name}:*`;
}

const BUCKET_NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface FunctionsProps {
  readonly storage: Storage;
  /** The functions to build (default: `functions/registry.ts`). Tests pass their own. */
  readonly registry?: Readonly<Record<string, LambdaDefinition>>;
  /** Retention of each function's log group (default: one year). */
  readonly logRetention?: logs.RetentionDays;
  /** Application log level (Lambda advanced logging controls and Powertools; default INFO). */
  readonly logLevel?: LogLevel;
  /** What happens to the log groups when the stack is deleted (default: RETAIN). */
  readonly removalPolicy?: RemovalPolicy;
  /** Bundle and enable source maps (default: off, or `SOURCE_MAPS=true`; see `bundling.ts`). */
  readonly sourceMaps?: boolean;
}

/**
 * One NodejsFunction per registry entry, bundled locally by esbuild (ESM, no Docker), each with its own role that
 * holds only what the entry's `access` declares, its own log group (JSON logs, retention), and X-Ray tracing.
 * Entries of kind `s3` are subscribed to the documents bucket's ObjectCreated events under `uploads/`.
 */
export class Functions extends Construct {
  private readonly fns = new Map<string, NodejsFunction>();
  private readonly registry: Readonly<Record<string, LambdaDefinition>>;
  /** Per function: state machine name → ARN, rendered lazily into STATE_MACHINES. */
  private readonly machinesOf = new Map<string, Map<string, sfn.StateMachine>>();

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    this.registry = props.registry ?? LAMBDAS;
    const { storage } = props;
    const logLevel = props.logLevel ?? 'INFO';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const sourceMaps = sourceMapsWanted(props.sourceMaps);

    for (const [key, def] of Object.entries(this.registry)) {
      const role = new iam.Role(this, `${key}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Lambda ${key}: ${def.description}`.slice(0, 1000),
      });
      const logGroup = new logs.LogGroup(this, `${key}Logs`, {
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        removalPolicy,
      });
      // The role writes to this log group only (in place of the AWSLambdaBasicExecutionRole managed policy).
      logGroup.grantWrite(role);

      const fn = new NodejsFunction(this, key, {
        entry: path.join(ROOT, def.entry),
        handler: def.exportName ?? 'handler',
        projectRoot: ROOT,
        depsLockFilePath: path.join(ROOT, 'package-lock.json'),
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        description: def.description,
        timeout: Duration.seconds(def.timeoutSeconds ?? 15),
        memorySize: def.memoryMb ?? 512,
        role,
        logGroup,
        loggingFormat: lambda.LoggingFormat.JSON,
        applicationLogLevelV2: lambda.ApplicationLogLevel[logLevel],
        systemLogLevelV2: lambda.SystemLogLevel.WARN,
        tracing: lambda.Tracing.ACTIVE,
        environment: {
          POWERTOOLS_SERVICE_NAME: 'factures-travaux',
          POWERTOOLS_LOG_LEVEL: logLevel,
          ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        },
        bundling: {
          format: OutputFormat.ESM,
          target: LAMBDA_BUNDLE.target,
          minify: LAMBDA_BUNDLE.minify,
          sourceMap: sourceMaps,
          forceDockerBundling: false,
          externalModules: [...LAMBDA_BUNDLE.externalModules],
          mainFields: [...LAMBDA_BUNDLE.mainFields],
          banner: LAMBDA_BUNDLE.banner,
          define: bundleDefine(def),
          esbuildArgs: Object.fromEntries(
            Object.entries(LAMBDA_BUNDLE.alias).map(([name, target]) => [`--alias:${name}`, target]),
          ),
        },
      });
      acknowledgeNag(
        fn,
        'L1',
        'Node.js 22 on purpose: the same code runs on the embedded platform (Node 20+), and 22 is the newest runtime it is tested against (README.md "Deploying to AWS").',
      );
      acknowledgeNag(
        role,
        iam5Resource('*'),
        'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions.',
      );

      this.grantAccess(key, def, fn, storage);
      if (def.kind === 's3') {
        storage.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), {
          prefix: UPLOAD_PREFIX,
        });
      }
      this.fns.set(key, fn);
    }
    this.grantInvokes();
    this.acknowledgeNotificationsHandler();
  }

  get(key: LambdaKey | (string & {})): NodejsFunction {
    const fn = this.fns.get(key);
    if (!fn) throw new Error(`unknown function ${key}`);
    return fn;
  }

  entries(): [LambdaKey, NodejsFunction][] {
    return [...this.fns.entries()] as [LambdaKey, NodejsFunction][];
  }

  /** The registry entry a function was built from. */
  definition(key: LambdaKey | (string & {})): LambdaDefinition {
    const def = this.registry[key];
    if (!def) throw new Error(`unknown function ${key}`);
    return def;
  }

  /**
   * Grants start / callback rights on the state machines according to each function's declared
   * `access.stateMachines`, and lists them in its STATE_MACHINES variable (JSON: name → ARN; the name is the state
   * machine's construct id). Idempotent: a machine already granted to a function is skipped.
   */
  grantStateMachines(machines: sfn.StateMachine[]): void {
    for (const [key, fn] of this.fns) {
      const mode = this.definition(key).access?.stateMachines;
      if (!mode) continue;
      let known = this.machinesOf.get(key);
      if (!known) {
        const map = new Map<string, sfn.StateMachine>();
        known = map;
        this.machinesOf.set(key, map);
        fn.addEnvironment(
          'STATE_MACHINES',
          Lazy.string({
            produce: () => JSON.stringify(Object.fromEntries([...map].map(([name, sm]) => [name, sm.stateMachineArn]))),
          }),
        );
      }
      for (const sm of machines) {
        if (known.get(sm.node.id) === sm) continue;
        if (known.has(sm.node.id)) throw new Error(`two state machines named ${sm.node.id}`);
        known.set(sm.node.id, sm);
        // Starts are idempotent by execution name (one execution per dossier); reads never go to Step Functions.
        if (mode === 'start' || mode === 'startAndCallback' || mode === 'resume') sm.grantStartExecution(fn);
        if (mode === 'callback' || mode === 'startAndCallback') sm.grantTaskResponse(fn);
        if (mode === 'resume') this.grantResume(key, fn, sm);
      }
    }
  }

  private grantAccess(key: string, def: LambdaDefinition, fn: NodejsFunction, storage: Storage): void {
    const access = def.access ?? {};
    if (access.table) {
      fn.addEnvironment('TABLE_NAME', storage.table.tableName);
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...TABLE_ACTIONS[access.table]],
          // The table and each named index: no `index/*` wildcard.
          resources: [
            storage.table.tableArn,
            ...storage.indexNames.map((name) => `${storage.table.tableArn}/index/${name}`),
          ],
        }),
      );
    }
    if (access.bucket) {
      fn.addEnvironment('BUCKET_NAME', storage.bucket.bucketName);
      fn.addEnvironment('UPLOAD_PREFIX', UPLOAD_PREFIX);
      // ListBucket lets a missing key answer 404 rather than 403.
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [storage.bucket.bucketArn] }),
      );
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...OBJECT_ACTIONS[access.bucket]],
          resources: [storage.bucket.arnForObjects('*')],
        }),
      );
      if (access.bucket === 'readWritePacks') this.grantPacks(key, fn, storage);
      acknowledgeNag(
        fn.role ?? fn,
        iam5Resource(`<${storage.bucketLogicalId()}.Arn>/*`),
        `Function ${key} works on documents whose keys are generated per dossier and piece at run time; the grant is limited to the documents bucket and to the actions its registry entry declares (${access.bucket}).`,
      );
    }
  }

  /**
   * Each function may invoke the `worker` functions its `access.invokes` names, and only those (lambda:InvokeFunction
   * on each one's ARN), and reads each one's name from `<KEY>_FUNCTION` (`invokedFunctionEnv`). Done once every
   * function exists: a worker may be declared after its caller.
   */
  private grantInvokes(): void {
    for (const [key, fn] of this.fns) {
      for (const target of this.definition(key).access?.invokes ?? []) {
        const worker = this.fns.get(target);
        if (!worker) throw new Error(`function ${key} invokes ${target}, which the registry does not declare`);
        if (this.definition(target).kind !== 'worker')
          throw new Error(`function ${key} invokes ${target}, not a worker`);
        worker.grantInvoke(fn);
        fn.addEnvironment(invokedFunctionEnv(target), worker.functionName);
        // grantInvoke covers the function and its versions and aliases (`<arn>:*`)
        const workerId = Stack.of(this).getLogicalId(worker.node.defaultChild as lambda.CfnFunction);
        acknowledgeNag(
          fn.role ?? fn,
          iam5Resource(`<${workerId}.Arn>:*`),
          `Function ${key} invokes the worker ${target} only; the wildcard is that function's versions and aliases (lambda:InvokeFunction as grantInvoke writes it).`,
        );
      }
    }
  }

  /**
   * Writes under `preuves/` only; where the bucket has Object Lock, each pack is locked for its own 30 days
   * (docs/evidence-pack.md#retention), which needs s3:PutObjectRetention.
   */
  private grantPacks(key: string, fn: NodejsFunction, storage: Storage): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...PACK_ACTIONS],
        resources: [storage.bucket.arnForObjects(`${EVIDENCE_PREFIX}*`)],
      }),
    );
    acknowledgeNag(
      fn.role ?? fn,
      iam5Resource(`<${storage.bucketLogicalId()}.Arn>/${EVIDENCE_PREFIX}*`),
      `Function ${key} writes each evidence pack under ${EVIDENCE_PREFIX} with a key made at run time (dossier and instant); the grant is limited to that prefix.`,
    );
    if (storage.retentionDays > 0)
      fn.addEnvironment('EVIDENCE_PACK_RETENTION_DAYS', String(EVIDENCE_PACK_RETENTION_DAYS));
  }

  /**
   * The resume reads and stops the machine's executions, whose ARNs are named per dossier at run time
   * (`execution:<machine>:<dossier>-g<n>`): the grant covers that machine's executions only.
   */
  private grantResume(key: string, fn: NodejsFunction, sm: sfn.StateMachine): void {
    sm.grantExecution(fn, 'states:DescribeExecution', 'states:StopExecution');
    acknowledgeNag(
      fn.role ?? fn,
      iam5Resource(
        executionsFinding(Stack.of(this), Stack.of(this).getLogicalId(sm.node.defaultChild as sfn.CfnStateMachine)),
      ),
      `Function ${key} describes and stops the executions of the dossier state machine, one per dossier and named at run time; the grant is limited to that machine's executions.`,
    );
  }

  /** The bucket-notifications custom resource is CDK's own code, created only when an `s3` function exists. */
  private acknowledgeNotificationsHandler(): void {
    const handler = Stack.of(this).node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
    if (!handler) return;
    acknowledgeNag(
      handler,
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'CDK-provided custom resource that writes the bucket notification configuration at deploy time; its role and managed logging policy are set by aws-cdk-lib.',
    );
  }
}
