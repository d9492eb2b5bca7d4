import './polyfills';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { LAMBDAS, type LambdaDefinition } from '../../functions/registry';
import { ShiftableClock, systemClock } from '../../shared/adapters/clock';
import { IdentityStore } from '../../shared/adapters/dynamo/identity-store';
import { keys } from '../../shared/adapters/dynamo/keys';
import type { MailPort } from '../../shared/adapters/mail';
import { stepFunctionsWorkflow } from '../../shared/adapters/workflow';
import { isDomainError } from '../../shared/domain/errors';
import { authenticateTechnical } from '../../shared/services/accounts';
import { installWorkflow, overrideContext, serviceContext } from '../../shared/services/context';
import type { FacturesTravauxStack } from '../stack';
import { Activity } from './activity';
import { LocalAuth, localJwtSecret } from './auth';
import { buildLocalModel, type HttpCors, type LocalModel } from './cdk-model';
import { clientTokenEndpoint, LocalMachineClients } from './client-token';
import { saveClockOffset, startingClockOffset } from './clock-store';
import { type DynamoDbLocal, ensureTable, findJava, reapStaleJvm, startDynamoDbLocal } from './dynamodb';
import { PlatformError, portBusy } from './errors';
import { answerClientError, type ComponentState, createGatewayHandler, type GatewayRoute } from './gateway';
import { LambdaRuntime } from './lambda-runtime';
import { type LocalNotifications, startLocalNotifications } from './mail/notifications';
import { closeServer, listen, listenPreferring } from './net';
import { createPortalHandler, type PortalOptions } from './portal/static';
import { type LocalS3, type S3EventRecord, startLocalS3 } from './s3';
import { createSfnServer } from './sfn/api';
import { LocalStepFunctions } from './sfn/engine';
import { type FiredTimer, VirtualTimers } from './timers';
import type { PlatformExtension } from './types';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const LOCAL_REGION = 'eu-west-3';
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_TABLE_NAME = 'factures-travaux';
export const LOCAL_BUCKET_NAME = 'factures-travaux-documents';
/** s3rver's built-in key pair; the SDK signs with it, the POST front verifies with it. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface StartPlatformOptions {
  /** Gateway port (default: PORT, else 3000; 0: any free port). A taken port is an error. */
  readonly port?: number;
  /**
   * The instant the platform clock reads at start (ISO 8601 or a Date; default: real time, or the clock saved with
   * the data). Tests that use absolute dates start here, so they read the same dates whatever the machine's date.
   * Over saved data it may only move the saved clock forward.
   */
  readonly startAt?: Date | string;
  /** Keep nothing on disk (tests). Default false: data under `dataDir`. */
  readonly inMemory?: boolean;
  /** Where DynamoDB and S3 data live when not in memory (default `<repo>/.local/data`, git-ignored). */
  readonly dataDir?: string;
  /** Preferred ports of the internal services (default 0: any free port; a taken one falls back to a free one). */
  readonly servicePorts?: { readonly dynamodb?: number; readonly s3?: number; readonly stepfunctions?: number };
  /** Adds constructs to the stack before it is read (test state machines, functions, notifications, routes). */
  readonly extend?: (stack: FacturesTravauxStack) => PlatformExtension | undefined;
  /** Called as soon as the gateway listens (it answers 503 on /health until everything is up). */
  readonly onGatewayListening?: (url: string) => void;
  /** Progress messages on the console (default false). */
  readonly verbose?: boolean;
  /**
   * Runs once every part is up, before `/health` answers 200 and the gateway opens the API (e.g. `npm start` seeds
   * the demo data and resumes open dossiers here, so that a client waiting for /health finds them). A rejection
   * stops the platform and rejects `startPlatform`.
   */
  readonly beforeReady?: (platform: Platform) => Promise<void>;
  /** Serve the built portal at `/` (with SPA fallback) and its `/config.json`. */
  readonly portal?: PortalOptions;
  /**
   * Deliver notifications (issue 13): a local SMTP server on 127.0.0.1 receiving the e-mails (kept under
   * `<data>/mails` as .eml files, listed at `/_local/mails`), the outbox delivered within a second, reminders at their
   * instant on the platform clock, the digest every morning. `npm start` turns it on; off by default in tests.
   */
  readonly notifications?: boolean | LocalNotificationOptions;
}

export interface LocalNotificationOptions {
  /** Preferred SMTP port (default: any free port; a taken one falls back to a free one). */
  readonly smtpPort?: number;
  /** Real-time pause between two notification ticks (default 1000 ms; 0: only on timers and `tick()`). */
  readonly pollMs?: number;
  /** Wraps the SMTP mailer (fault injection). */
  readonly wrapMailer?: (mailer: MailPort) => MailPort;
}

export interface ClockAdvance {
  readonly days?: number;
  readonly hours?: number;
  readonly minutes?: number;
  readonly seconds?: number;
  readonly ms?: number;
}

export interface Platform {
  /** Gateway base URL, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly port: number;
  readonly endpoints: {
    readonly gateway: string;
    readonly dynamodb: string;
    readonly s3: string;
    readonly stepfunctions: string;
  };
  readonly region: string;
  readonly tableName: string;
  readonly bucketName: string;
  /** State machine name → ARN (product machines and extension ones). */
  readonly stateMachineArns: Readonly<Record<string, string>>;
  readonly inMemory: boolean;
  readonly dataDir?: string;
  /** PID of the DynamoDB Local JVM. */
  readonly dynamodbPid: number;
  /** The platform clock (also the clock of the services handlers use: shared/services/context.ts). */
  readonly clock: ShiftableClock;
  /** The local Step Functions (pending task tokens, executions, history). */
  readonly stepFunctions: LocalStepFunctions;
  /** SDK clients configured for the local endpoints. */
  readonly clients: {
    readonly dynamodb: DynamoDBClient;
    readonly document: DynamoDBDocumentClient;
    readonly s3: S3Client;
    readonly sfn: SFNClient;
  };
  readonly model: LocalModel;
  /** Notification delivery and the local SMTP server, when turned on (`notifications` option). */
  readonly notifications?: LocalNotifications;
  /** Moves the clock forward (never back), firing due timers at their instants; resolves once all has settled. */
  advanceClock(by: ClockAdvance | { readonly to: Date | string }): Promise<{ now: Date; fired: FiredTimer[] }>;
  /** Resolves when no handler invocation, S3 notification or timer firing is in flight. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** S3 client settings that work with s3rver (local-stack-notes §2). */
export function localS3ClientConfig(endpoint: string) {
  return {
    endpoint,
    region: LOCAL_REGION,
    forcePathStyle: true,
    credentials: { ...LOCAL_CREDENTIALS },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  } as const;
}

const S3_TEMP_PREFIX = 'factures-travaux-s3-';

/** In-memory runs keep S3 objects in a temporary folder named after their pid: remove those of dead processes. */
function removeAbandonedTempDirs(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const pid = Number(new RegExp(`^${S3_TEMP_PREFIX}(\\d+)-`).exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
        fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
      }
    }
  }
}

function matchesEvent(pattern: string, eventName: string): boolean {
  const p = pattern.replace(/^s3:/, '');
  return p.endsWith('*') ? eventName.startsWith(p.slice(0, -1)) : p === eventName;
}

/**
 * Starts the embedded platform: DynamoDB Local, S3 (s3rver behind a POST-policy front), Step Functions
 * (aws-local-stepfunctions + adapter), the HTTP gateway and the shiftable clock, all read from the CDK stack.
 */
export async function startPlatform(options: StartPlatformOptions = {}): Promise<Platform> {
  const log = options.verbose ? (m: string) => console.log(m) : () => undefined;
  const inMemory = options.inMemory ?? false;
  const dataDir = inMemory ? undefined : path.resolve(options.dataDir ?? path.join(ROOT, '.local', 'data'));
  const ports = options.servicePorts ?? {};

  // The offset saved with the data (or the one `startAt` asks for) comes before anything reads the clock
  // (clock-store.ts); a start instant is saved at once, so that a restart without it carries on from there.
  const clock = new ShiftableClock(systemClock, {
    initialOffsetMs: startingClockOffset(dataDir, options.startAt, systemClock.now()),
  });
  if (dataDir && options.startAt !== undefined) saveClockOffset(dataDir, clock.offset, clock.now());
  const stopSavingClock = dataDir
    ? clock.onAdvance((now) => {
        try {
          saveClockOffset(dataDir, clock.offset, now);
        } catch (error) {
          console.error('plateforme locale : le décalage de l’horloge n’a pas pu être enregistré', error);
        }
      })
    : () => undefined;
  // Handlers take their services from the composition root: they run on this platform's clock, and every one of
  // them (loaded on first call) talks to the local Step Functions
  installWorkflow(stepFunctionsWorkflow);
  // The technical accounts' machine clients, their token endpoint on this gateway (its address once it listens)
  let gatewayUrl = 'http://127.0.0.1';
  const machineClients = new LocalMachineClients(() => gatewayUrl);
  overrideContext({ clock, machineClients });
  const activity = new Activity();
  const timers = new VirtualTimers(clock, activity);
  const auth = new LocalAuth(localJwtSecret(dataDir), clock);
  const components: Record<string, ComponentState> = {
    gateway: 'starting',
    dynamodb: 'starting',
    s3: 'starting',
    stepfunctions: 'starting',
    clock: 'ok',
  };
  let ready = false;
  let httpCors: HttpCors | undefined;
  let runtime: LambdaRuntime | undefined;
  let documentClient: DynamoDBDocumentClient | undefined;
  const routes: GatewayRoute[] = [];
  const savedEnv = new Map<string, string | undefined>();
  let dynamo: DynamoDbLocal | undefined;
  let dynamoStarting: Promise<DynamoDbLocal> | undefined;
  let s3: LocalS3 | undefined;
  let s3Starting: Promise<LocalS3> | undefined;
  let sfn: LocalStepFunctions | undefined;
  let sfnServer: http.Server | undefined;
  let s3TempDir: string | undefined;
  let clients: Platform['clients'] | undefined;
  let stopped = false;
  let mail: LocalNotifications | undefined;

  const gateway = http.createServer(
    createGatewayHandler({
      routes,
      runtime: () => runtime,
      auth,
      clock,
      timers,
      activity,
      cors: () => httpCors,
      account: LOCAL_ACCOUNT,
      components: () => ({ ...components }),
      ready: () => ready,
      ...(options.portal
        ? { portal: createPortalHandler({ ...options.portal, connectOrigins: () => (s3 ? [s3.endpoint] : []) }) }
        : {}),
      pages: (req, res, url) => mail?.pages(req, res, url) ?? Promise.resolve(false),
      findUser: async (address) => {
        if (!documentClient) return undefined;
        const uniq = await documentClient.send(
          new GetCommand({ TableName: LOCAL_TABLE_NAME, Key: keys.uniqueLogin(address) }),
        );
        const userId = uniq.Item?.userId;
        if (typeof userId !== 'string') return undefined;
        const user = await documentClient.send(new GetCommand({ TableName: LOCAL_TABLE_NAME, Key: keys.user(userId) }));
        return user.Item ? userId : undefined;
      },
      clientToken: clientTokenEndpoint({ auth, clock, service: () => serviceContext().technicalClients }),
      signInTechnical: async (login, password) => {
        if (!documentClient) return { code: 'PLATEFORME_EN_DEMARRAGE', message: 'La plateforme démarre encore.' };
        try {
          const store = new IdentityStore(documentClient, LOCAL_TABLE_NAME);
          return await authenticateTechnical(store, login, password, clock.now());
        } catch (error) {
          if (isDomainError(error)) return { code: error.code, message: error.message };
          throw error;
        }
      },
    }),
  );

  gateway.on('clientError', answerClientError);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    ready = false;
    sfn?.stop();
    timers.stop();
    stopSavingClock();
    await mail?.stop();
    await activity.settle(5000).catch(() => undefined);
    // A start that failed half-way may leave services still starting: wait for them, then stop them too.
    s3 ??= await s3Starting?.catch(() => undefined);
    await Promise.all([closeServer(gateway), closeServer(sfnServer), s3?.stop()]);
    dynamo ??= await dynamoStarting?.catch(() => undefined);
    await dynamo?.stop();
    if (s3TempDir) fs.rmSync(s3TempDir, { recursive: true, force: true });
    for (const [name, value] of savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    clients?.dynamodb.destroy();
    clients?.s3.destroy();
    clients?.sfn.destroy();
    overrideContext(undefined);
  };

  try {
    const requestedPort = options.port ?? Number(process.env.PORT ?? 3000);
    let port: number;
    try {
      port = await listen(gateway, requestedPort, '127.0.0.1');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw portBusy(requestedPort, 'passerelle HTTP', `PORT=${requestedPort + 1} npm start`);
      }
      throw error;
    }
    components.gateway = 'ok';
    const url = `http://127.0.0.1:${port}`;
    gatewayUrl = url;
    options.onGatewayListening?.(url);

    // The JVM is the long pole (~2-3 s): start it first, build the rest meanwhile.
    const java = await findJava();
    const pidFile = dataDir ? path.join(dataDir, 'dynamodb.pid') : undefined;
    if (pidFile) {
      const reaped = await reapStaleJvm(pidFile);
      if (reaped) log(`DynamoDB Local laissé par un arrêt brutal (pid ${reaped}) : arrêté.`);
    }
    dynamoStarting = startDynamoDbLocal({
      port: ports.dynamodb ?? 0,
      dbPath: dataDir ? path.join(dataDir, 'dynamodb') : undefined,
      pidFile,
      java,
    });
    dynamoStarting.catch(() => undefined);

    const model = buildLocalModel({
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      tableName: LOCAL_TABLE_NAME,
      bucketName: LOCAL_BUCKET_NAME,
      extend: options.extend,
    });
    const extension = model.extension;
    runtime = new LambdaRuntime({
      root: ROOT,
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      activity,
      functionKeys: model.functionKeys,
      overrides: extension.lambdaHandlers,
    });
    const preloading = runtime.preload();
    for (const [key, def] of Object.entries(LAMBDAS) as [string, LambdaDefinition][]) {
      if (def.kind !== 'http') continue;
      for (const r of def.routes ?? [])
        routes.push({ method: r.method, path: r.path, public: !!r.public, target: key });
    }
    for (const r of extension.routes ?? []) {
      routes.push({ method: r.method, path: r.path, public: !!r.public, target: r.handler });
    }
    httpCors = model.httpCors;

    // S3: notifications as configured on the bucket by the stack (else every `s3` registry function).
    const notifications = model.bucketNotifications.length
      ? model.bucketNotifications
      : (Object.entries(LAMBDAS) as [string, LambdaDefinition][])
          .filter(([, d]) => d.kind === 's3')
          .map(([key]) => ({
            events: ['s3:ObjectCreated:*'],
            functionLogicalId: key,
            prefix: undefined,
            suffix: undefined,
          }));
    const deliver = (record: S3EventRecord) => {
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      for (const n of notifications) {
        if (!n.events.some((e) => matchesEvent(e, record.eventName))) continue;
        if (n.prefix && !key.startsWith(n.prefix)) continue;
        if (n.suffix && !key.endsWith(n.suffix)) continue;
        (runtime as LambdaRuntime).invoke(n.functionLogicalId, { Records: [record] }).catch((error: unknown) => {
          console.error(`plateforme locale : la notification S3 vers ${n.functionLogicalId} a échoué`, error);
        });
      }
    };
    if (!dataDir) {
      removeAbandonedTempDirs();
      s3TempDir = fs.mkdtempSync(path.join(os.tmpdir(), `${S3_TEMP_PREFIX}${process.pid}-`));
    }
    s3Starting = startLocalS3({
      port: ports.s3 ?? 0,
      directory: dataDir ? path.join(dataDir, 's3') : (s3TempDir as string),
      bucket: LOCAL_BUCKET_NAME,
      cors: model.bucketCors,
      clock,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      onEvent: deliver,
    });
    s3Starting.catch(() => undefined);

    const stateMachineArns = Object.fromEntries(model.stateMachines.map((m) => [m.name, m.arn]));
    sfn = new LocalStepFunctions({
      clock,
      timers,
      runtime,
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      dynamodb: () => (clients as Platform['clients']).dynamodb,
    });
    await sfn.init();
    for (const m of model.stateMachines) {
      for (const warning of sfn.register(m).warnings) console.warn(`plateforme locale (${m.name}) : ${warning}`);
    }
    sfnServer = createSfnServer(sfn);
    const sfnPort = await listenPreferring(sfnServer, ports.stepfunctions ?? 0, '127.0.0.1');
    components.stepfunctions = 'ok';

    s3 = await s3Starting;
    components.s3 = 'ok';
    dynamo = await dynamoStarting;

    const endpoints = {
      gateway: url,
      dynamodb: dynamo.endpoint,
      s3: s3.endpoint,
      stepfunctions: `http://127.0.0.1:${sfnPort}`,
    };
    const env: Record<string, string> = {
      ...model.functionEnvironment,
      // LOCAL_LOG_LEVEL (e.g. WARN in the test suite) overrides the handlers' log level read from the stack
      ...(process.env.LOCAL_LOG_LEVEL ? { POWERTOOLS_LOG_LEVEL: process.env.LOCAL_LOG_LEVEL } : {}),
      TABLE_NAME: LOCAL_TABLE_NAME,
      BUCKET_NAME: LOCAL_BUCKET_NAME,
      STATE_MACHINES: JSON.stringify(stateMachineArns),
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      LOCAL_PLATFORM_URL: url,
    };
    for (const [name, value] of Object.entries(env)) {
      savedEnv.set(name, process.env[name]);
      process.env[name] = value;
    }
    savedEnv.set('AWS_SESSION_TOKEN', process.env.AWS_SESSION_TOKEN);
    savedEnv.set('AWS_PROFILE', process.env.AWS_PROFILE);
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;

    const dynamodbClient = new DynamoDBClient({
      endpoint: endpoints.dynamodb,
      region: LOCAL_REGION,
      credentials: { ...LOCAL_CREDENTIALS },
    });
    documentClient = DynamoDBDocumentClient.from(dynamodbClient, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    clients = {
      dynamodb: dynamodbClient,
      document: documentClient,
      s3: new S3Client(localS3ClientConfig(endpoints.s3)),
      sfn: new SFNClient({
        endpoint: endpoints.stepfunctions,
        region: LOCAL_REGION,
        credentials: { ...LOCAL_CREDENTIALS },
      }),
    };
    const table = await ensureTable(dynamodbClient, LOCAL_TABLE_NAME, model.table);
    log(`Table ${LOCAL_TABLE_NAME} ${table === 'created' ? 'créée' : 'reprise'} depuis le modèle CDK.`);
    components.dynamodb = 'ok';
    for (const failure of await preloading) {
      console.warn(`plateforme locale : le gestionnaire ${failure.key} ne se charge pas :`, failure.error);
    }
    if (options.notifications) {
      const n = options.notifications === true ? {} : options.notifications;
      mail = await startLocalNotifications({
        timers,
        clock,
        activity,
        context: serviceContext,
        directory: dataDir ? path.join(dataDir, 'mails') : undefined,
        smtpPort: n.smtpPort,
        pollMs: n.pollMs,
        wrapMailer: n.wrapMailer,
      });
      // Handlers and tasks send through it, and tell it of each reminder armed
      overrideContext({
        clock,
        machineClients,
        mailer: mail.mailer,
        mailQueue: mail.queue,
        onReminderArmed: mail.reminderArmed,
        portalUrl: `http://localhost:${port}`,
      });
      log(`Serveur SMTP local ${mail.smtp.url}.`);
    }
    const stepFunctions = sfn;
    const platform: Platform = {
      url,
      port,
      endpoints,
      region: LOCAL_REGION,
      tableName: LOCAL_TABLE_NAME,
      bucketName: LOCAL_BUCKET_NAME,
      stateMachineArns,
      inMemory,
      dataDir,
      dynamodbPid: dynamo.pid,
      clock,
      stepFunctions,
      clients,
      model,
      notifications: mail,
      advanceClock: async (by) => {
        let ms: number;
        if ('to' in by) ms = new Date(by.to).getTime() - clock.now().getTime();
        else {
          const b = by as ClockAdvance;
          ms =
            (b.days ?? 0) * 86_400_000 +
            (b.hours ?? 0) * 3_600_000 +
            (b.minutes ?? 0) * 60_000 +
            (b.seconds ?? 0) * 1000 +
            (b.ms ?? 0);
        }
        if (!Number.isFinite(ms) || ms < 0) throw new RangeError('L’horloge locale ne peut qu’avancer.');
        const mark = timers.mark();
        await timers.advanceBy(Math.round(ms));
        await activity.settle();
        return { now: clock.now(), fired: timers.firedSince(mark) };
      },
      settle: () => activity.settle(),
      stop,
    };
    await options.beforeReady?.(platform);
    // What a previous run left (outbox, e-mails, due reminders and digests) goes out now; then the timers run it
    await mail?.start();
    ready = true;
    return platform;
  } catch (error) {
    await stop();
    throw error;
  }
}

export { PlatformError };
