import './polyfills';
import * as path from 'node:path';
import { stepFunctionsWorkflow } from '../../shared/adapters/workflow';
import { installDocumentObjects, installWorkflow, overrideContext } from '../../shared/services/context';
import { evidenceBuilderOn, installEvidenceBuilder } from '../../shared/services/evidence/builder';
import { s3DocumentObjects } from '../../shared/services/pieces/storage';
import { Activity } from './activity';
import { LocalAuth, localJwtSecret } from './auth';
import { buildLocalModel, type LocalModel } from './cdk-model';
import { LocalMachineClients } from './client-token';
import { PlatformError } from './errors';
import { LambdaRuntime } from './lambda-runtime';
import { clockAdvancer, startPlatformClock } from './platform-clock';
import { launchDynamoDb, localClients, prepareTable } from './platform-dynamodb';
import { handlerEnvironment, installProcessEnv } from './platform-env';
import { gatewayRoutes, openGateway, platformGateway } from './platform-gateway';
import { startPlatformMail } from './platform-mail';
import {
  LOCAL_ACCOUNT,
  LOCAL_BUCKET_NAME,
  LOCAL_REGION,
  LOCAL_TABLE_NAME,
  type Platform,
  ROOT,
  type StartPlatformOptions,
} from './platform-options';
import { emptyParts, type PlatformParts, stopPlatform } from './platform-parts';
import { startLocalSchedules } from './platform-schedules';
import { startStorage } from './platform-storage';
import { startWorkflows } from './platform-workflows';
import { VirtualTimers } from './timers';

export { localS3ClientConfig, type Platform, ROOT, type StartPlatformOptions } from './platform-options';
export { PlatformError };

/** What the boot works with from its first instant: options resolved, the clock, timers, sign-in, the gateway. */
interface Boot {
  readonly options: StartPlatformOptions;
  readonly log: (message: string) => void;
  readonly dataDir: string | undefined;
  readonly ports: NonNullable<StartPlatformOptions['servicePorts']>;
  readonly clock: Platform['clock'];
  readonly stopSavingClock: () => void;
  readonly activity: Activity;
  readonly timers: VirtualTimers;
  readonly machineClients: LocalMachineClients;
  readonly parts: PlatformParts;
  readonly gateway: ReturnType<typeof platformGateway>;
}

function prepareBoot(options: StartPlatformOptions): Boot {
  const log = options.verbose ? (m: string) => console.log(m) : () => undefined;
  const dataDir = options.inMemory ? undefined : path.resolve(options.dataDir ?? path.join(ROOT, '.local', 'data'));
  const { clock, stopSaving } = startPlatformClock(dataDir, options.startAt);
  const parts = emptyParts();
  // Handlers take their services from the composition root: they run on this platform's clock, and every one of
  // them (loaded on first call) talks to the local Step Functions
  installWorkflow(stepFunctionsWorkflow);
  installDocumentObjects(s3DocumentObjects);
  // The technical accounts' machine clients, their token endpoint on this gateway (its address once it listens)
  const machineClients = new LocalMachineClients(() => parts.gatewayUrl);
  overrideContext({ clock, machineClients });
  const activity = new Activity();
  const timers = new VirtualTimers(clock, activity);
  const auth = new LocalAuth(localJwtSecret(dataDir), clock);
  const gateway = platformGateway(parts, { auth, clock, timers, activity, portal: options.portal });
  const ports = options.servicePorts ?? {};
  return {
    options,
    log,
    dataDir,
    ports,
    clock,
    stopSavingClock: stopSaving,
    activity,
    timers,
    machineClients,
    parts,
    gateway,
  };
}

/** The stack read in memory, and the runtime of its functions (handlers start loading at once). */
function readStack(boot: Boot): {
  model: LocalModel;
  runtime: LambdaRuntime;
  preloading: ReturnType<LambdaRuntime['preload']>;
} {
  const model = buildLocalModel({
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    tableName: LOCAL_TABLE_NAME,
    bucketName: LOCAL_BUCKET_NAME,
    extend: boot.options.extend,
  });
  const runtime = new LambdaRuntime({
    root: ROOT,
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    activity: boot.activity,
    functionKeys: model.functionKeys,
    overrides: model.extension.lambdaHandlers,
  });
  boot.parts.runtime = runtime;
  // The evidence function hands the building to its worker: on AWS a Lambda Invoke, here the worker's handler in
  // this process, run as the platform runs every function; what crosses is JSON, as on AWS
  installEvidenceBuilder(
    evidenceBuilderOn(async (request) =>
      JSON.parse(JSON.stringify(await runtime.invoke('dossiersEvidenceBuild', request))),
    ),
  );
  boot.parts.routes.push(...gatewayRoutes(model.extension));
  boot.parts.httpCors = model.httpCors;
  return { model, runtime, preloading: runtime.preload() };
}

/** The services up and their addresses, with what the stack gave. */
interface Started {
  readonly url: string;
  readonly port: number;
  readonly endpoints: Platform['endpoints'];
  readonly stateMachineArns: Platform['stateMachineArns'];
  readonly dynamodbPid: number;
  readonly model: LocalModel;
  readonly runtime: LambdaRuntime;
  readonly preloading: ReturnType<LambdaRuntime['preload']>;
}

/** The gateway, then the services, in the order that keeps the boot short. */
async function startServices(boot: Boot): Promise<Started> {
  const { parts, clock, timers, ports, dataDir, log } = boot;
  const { url, port } = await openGateway(boot.gateway, parts, boot.options.port);
  boot.options.onGatewayListening?.(url);
  // The JVM is the long pole (~2-3 s): start it first, build the rest meanwhile.
  const dynamo = await launchDynamoDb({ dataDir, port: ports.dynamodb ?? 0, log });
  parts.dynamoStarting = dynamo.starting;
  const { model, runtime, preloading } = readStack(boot);
  const storage = startStorage({ dataDir, port: ports.s3 ?? 0, model, clock, runtime });
  parts.s3Starting = storage.starting;
  parts.s3TempDir = storage.tempDir;
  const workflows = await startWorkflows(parts, { model, clock, timers, runtime, port: ports.stepfunctions ?? 0 });
  const s3 = await storage.starting;
  parts.s3 = s3;
  parts.components.s3 = 'ok';
  const dynamoDb = await dynamo.starting;
  parts.dynamo = dynamoDb;
  const endpoints = { gateway: url, dynamodb: dynamoDb.endpoint, s3: s3.endpoint, stepfunctions: workflows.endpoint };
  const { stateMachineArns } = workflows;
  return { url, port, endpoints, stateMachineArns, dynamodbPid: dynamoDb.pid, model, runtime, preloading };
}

/** Every part up; the platform as handed back (not yet ready). */
async function bootParts(boot: Boot): Promise<Platform> {
  const { parts, clock, timers, dataDir, log, activity } = boot;
  const started = await startServices(boot);
  const { model, runtime, endpoints, stateMachineArns } = started;
  parts.restoreEnv = installProcessEnv(handlerEnvironment({ model, stateMachineArns, endpoints }));
  const clients = localClients(endpoints);
  parts.clients = clients;
  await prepareTable(clients, model, log);
  parts.components.dynamodb = 'ok';
  parts.stopSchedules = startLocalSchedules({ clock, activity, runtime, functionKeys: model.functionKeys });
  for (const failure of await started.preloading) {
    console.warn(`plateforme locale : le gestionnaire ${failure.key} ne se charge pas :`, failure.error);
  }
  const notifications = boot.options.notifications;
  if (notifications) {
    const { machineClients } = boot;
    const { port } = started;
    parts.mail = await startPlatformMail({
      notifications,
      dataDir,
      clock,
      timers,
      activity,
      machineClients,
      port,
      log,
    });
  }
  return {
    url: started.url,
    port: started.port,
    endpoints,
    region: LOCAL_REGION,
    tableName: LOCAL_TABLE_NAME,
    bucketName: LOCAL_BUCKET_NAME,
    stateMachineArns,
    inMemory: boot.options.inMemory ?? false,
    dataDir,
    dynamodbPid: started.dynamodbPid,
    clock,
    stepFunctions: parts.sfn as Platform['stepFunctions'],
    clients,
    model,
    notifications: parts.mail,
    advanceClock: clockAdvancer(clock, timers, activity),
    settle: () => activity.settle(),
    stop: () => stopPlatform(parts, boot),
  };
}

/**
 * Starts the embedded platform: DynamoDB Local, S3 (s3rver behind a POST-policy front), Step Functions
 * (aws-local-stepfunctions + adapter), the HTTP gateway and the shiftable clock, all read from the CDK stack.
 * The gateway listens first (503 on /health), then each part comes up (one module each: platform-*.ts); the API
 * opens once `beforeReady` has run and the mail left by a previous run has gone out.
 */
export async function startPlatform(options: StartPlatformOptions = {}): Promise<Platform> {
  const boot = prepareBoot(options);
  try {
    const platform = await bootParts(boot);
    await options.beforeReady?.(platform);
    // What a previous run left (outbox, e-mails, due reminders and digests) goes out now; then the timers run it
    await boot.parts.mail?.start();
    boot.parts.ready = true;
    return platform;
  } catch (error) {
    await stopPlatform(boot.parts, boot);
    throw error;
  }
}
