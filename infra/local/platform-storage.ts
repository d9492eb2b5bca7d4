import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAMBDAS, type LambdaDefinition } from '../../functions/registry';
import type { ShiftableClock } from '../../shared/adapters/clock';
import type { BucketNotification, LocalModel } from './cdk-model';
import type { LambdaRuntime } from './lambda-runtime';
import { LOCAL_BUCKET_NAME, LOCAL_CREDENTIALS, LOCAL_REGION } from './platform-options';
import { type LocalS3, type S3EventRecord, startLocalS3 } from './s3';

/** The platform's storage: s3rver behind the POST-policy front, its folder, and its bucket notifications. */

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

/** Notifications as configured on the bucket by the stack (else every `s3` registry function). */
function notificationTargets(model: LocalModel): readonly BucketNotification[] {
  if (model.bucketNotifications.length) return model.bucketNotifications;
  return (Object.entries(LAMBDAS) as [string, LambdaDefinition][])
    .filter(([, d]) => d.kind === 's3')
    .map(([key]) => ({
      events: ['s3:ObjectCreated:*'],
      functionLogicalId: key,
      prefix: undefined,
      suffix: undefined,
    }));
}

/** Hands an S3 event to every function whose notification matches its event name, prefix and suffix. */
function eventDelivery(model: LocalModel, runtime: LambdaRuntime): (record: S3EventRecord) => void {
  const notifications = notificationTargets(model);
  return (record) => {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    for (const n of notifications) {
      if (!n.events.some((e) => matchesEvent(e, record.eventName))) continue;
      if (n.prefix && !key.startsWith(n.prefix)) continue;
      if (n.suffix && !key.endsWith(n.suffix)) continue;
      runtime.invoke(n.functionLogicalId, { Records: [record] }).catch((error: unknown) => {
        console.error(`plateforme locale : la notification S3 vers ${n.functionLogicalId} a échoué`, error);
      });
    }
  };
}

export interface StorageStart {
  /** Resolves once s3rver and its front listen (never awaited unhandled: a rejection is caught here too). */
  readonly starting: Promise<LocalS3>;
  /** The temporary folder of an in-memory run, removed on stop. */
  readonly tempDir?: string;
}

/** Starts S3 without waiting for it: objects under `<data>/s3`, or in a temporary folder when nothing is kept. */
export function startStorage(options: {
  readonly dataDir: string | undefined;
  readonly port: number;
  readonly model: LocalModel;
  readonly clock: ShiftableClock;
  readonly runtime: LambdaRuntime;
}): StorageStart {
  const { dataDir, model } = options;
  let tempDir: string | undefined;
  if (!dataDir) {
    removeAbandonedTempDirs();
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), `${S3_TEMP_PREFIX}${process.pid}-`));
  }
  const starting = startLocalS3({
    port: options.port,
    directory: dataDir ? path.join(dataDir, 's3') : (tempDir as string),
    bucket: LOCAL_BUCKET_NAME,
    cors: model.bucketCors,
    clock: options.clock,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    onEvent: eventDelivery(model, options.runtime),
  });
  starting.catch(() => undefined);
  return { starting, tempDir };
}
