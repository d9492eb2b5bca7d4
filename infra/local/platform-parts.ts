import * as fs from 'node:fs';
import type * as http from 'node:http';
import { overrideContext } from '../../shared/services/context';
import { installEvidenceBuilder } from '../../shared/services/evidence/builder';
import type { Activity } from './activity';
import type { HttpCors } from './cdk-model';
import type { DynamoDbLocal } from './dynamodb';
import type { ComponentState, GatewayRoute } from './gateway';
import type { LambdaRuntime } from './lambda-runtime';
import type { LocalNotifications } from './mail/notifications';
import { closeServer } from './net';
import { destroyClients } from './platform-dynamodb';
import type { LocalClients } from './platform-options';
import type { LocalS3 } from './s3';
import type { LocalStepFunctions } from './sfn/engine';
import type { VirtualTimers } from './timers';

/**
 * What the embedded platform has started so far. Filled in as the boot goes: the gateway, which listens first, reads
 * it late (routes, runtime, clients, mail), and `stop` stops whatever is there, even after a start that failed
 * half-way.
 */
export interface PlatformParts {
  /** The API opens (and /health answers 200) once true. */
  ready: boolean;
  stopped: boolean;
  readonly components: Record<string, ComponentState>;
  readonly routes: GatewayRoute[];
  /** The gateway's address once it listens (the machine clients' token endpoint is there). */
  gatewayUrl: string;
  httpCors?: HttpCors;
  runtime?: LambdaRuntime;
  dynamo?: DynamoDbLocal;
  dynamoStarting?: Promise<DynamoDbLocal>;
  s3?: LocalS3;
  s3Starting?: Promise<LocalS3>;
  /** The temporary folder of S3 objects when nothing is kept. */
  s3TempDir?: string;
  sfn?: LocalStepFunctions;
  sfnServer?: http.Server;
  clients?: LocalClients;
  mail?: LocalNotifications;
  /** Puts back the process environment the handlers' environment replaced. */
  restoreEnv?: () => void;
  /** Stops the schedule functions the platform runs itself (platform-schedules.ts). */
  stopSchedules?: () => void;
}

export function emptyParts(): PlatformParts {
  return {
    ready: false,
    stopped: false,
    components: { gateway: 'starting', dynamodb: 'starting', s3: 'starting', stepfunctions: 'starting', clock: 'ok' },
    routes: [],
    gatewayUrl: 'http://127.0.0.1',
  };
}

/** What runs from the first instant of the boot, stopped with the parts. */
export interface PlatformFixtures {
  readonly gateway: http.Server;
  readonly timers: VirtualTimers;
  readonly activity: Activity;
  readonly stopSavingClock: () => void;
}

/**
 * Stops the platform (once): no new timer or execution, in-flight work settled (5 s at most), then the servers, the
 * JVM, the temporary folder, the environment and the services' context as they were before the start.
 */
export async function stopPlatform(parts: PlatformParts, fixtures: PlatformFixtures): Promise<void> {
  if (parts.stopped) return;
  parts.stopped = true;
  parts.ready = false;
  parts.sfn?.stop();
  parts.stopSchedules?.();
  fixtures.timers.stop();
  fixtures.stopSavingClock();
  await parts.mail?.stop();
  await fixtures.activity.settle(5000).catch(() => undefined);
  // A start that failed half-way may leave services still starting: wait for them, then stop them too.
  parts.s3 ??= await parts.s3Starting?.catch(() => undefined);
  await Promise.all([closeServer(fixtures.gateway), closeServer(parts.sfnServer), parts.s3?.stop()]);
  parts.dynamo ??= await parts.dynamoStarting?.catch(() => undefined);
  await parts.dynamo?.stop();
  if (parts.s3TempDir) fs.rmSync(parts.s3TempDir, { recursive: true, force: true });
  parts.restoreEnv?.();
  destroyClients(parts.clients);
  overrideContext(undefined);
  installEvidenceBuilder(undefined);
}
