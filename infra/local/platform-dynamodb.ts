import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DocumentClient } from '../../shared/adapters/dynamo/document-client';
import type { LocalModel } from './cdk-model';
import { type DynamoDbLocal, ensureTable, findJava, reapStaleJvm, startDynamoDbLocal } from './dynamodb';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  LOCAL_TABLE_NAME,
  type LocalClients,
  localS3ClientConfig,
} from './platform-options';

/** DynamoDB Local for the platform (its JVM, its table) and the SDK clients of every local service. */

export interface DynamoDbStart {
  /** Resolves once the JVM answers (a rejection is caught here too, so that nothing goes unhandled). */
  readonly starting: Promise<DynamoDbLocal>;
}

/**
 * Starts DynamoDB Local without waiting for it: the JVM is the long pole, the rest of the platform is built meanwhile.
 * With kept data, a JVM left by a hard stop (its pid in `<data>/dynamodb.pid`) is stopped first.
 */
export async function launchDynamoDb(options: {
  readonly dataDir: string | undefined;
  readonly port: number;
  readonly log: (message: string) => void;
}): Promise<DynamoDbStart> {
  const { dataDir } = options;
  const java = await findJava();
  const pidFile = dataDir ? path.join(dataDir, 'dynamodb.pid') : undefined;
  if (pidFile) {
    const reaped = await reapStaleJvm(pidFile);
    if (reaped) options.log(`DynamoDB Local laissé par un arrêt brutal (pid ${reaped}) : arrêté.`);
  }
  const starting = startDynamoDbLocal({
    port: options.port,
    dbPath: dataDir ? path.join(dataDir, 'dynamodb') : undefined,
    pidFile,
    java,
  });
  starting.catch(() => undefined);
  return { starting };
}

/** SDK clients configured for the local endpoints. */
export function localClients(endpoints: {
  readonly dynamodb: string;
  readonly s3: string;
  readonly stepfunctions: string;
}): LocalClients {
  const dynamodb = new DynamoDBClient({
    endpoint: endpoints.dynamodb,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
  });
  return {
    dynamodb,
    document: DocumentClient.at(endpoints.dynamodb, LOCAL_REGION, { ...LOCAL_CREDENTIALS }),
    s3: new S3Client(localS3ClientConfig(endpoints.s3)),
    sfn: new SFNClient({
      endpoint: endpoints.stepfunctions,
      region: LOCAL_REGION,
      credentials: { ...LOCAL_CREDENTIALS },
    }),
  };
}

export function destroyClients(clients: LocalClients | undefined): void {
  clients?.dynamodb.destroy();
  clients?.s3.destroy();
  clients?.sfn.destroy();
}

/** The table as the CDK stack declares it: created on first start, taken over as it is afterwards. */
export async function prepareTable(
  clients: LocalClients,
  model: LocalModel,
  log: (message: string) => void,
): Promise<void> {
  const table = await ensureTable(clients.dynamodb, LOCAL_TABLE_NAME, model.table);
  log(`Table ${LOCAL_TABLE_NAME} ${table === 'created' ? 'créée' : 'reprise'} depuis le modèle CDK.`);
}
