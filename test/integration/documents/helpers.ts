import { createHash } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { Platform } from '../../../infra/local/platform';
import { GetCommand } from '../../../shared/adapters/dynamo/document-client';
import { keys } from '../../../shared/adapters/dynamo/keys';
import type { WorkflowPort } from '../../../shared/adapters/workflow';
import { DomainError } from '../../../shared/domain/errors';
import { type Marche, rolesOf } from '../../../shared/domain/marche';
import { DEMO, seedDemo } from '../../../shared/seed/demo';
import { contextWith } from '../../../shared/services/context';
import type { DossierService } from '../../../shared/services/dossier-service';
import type { PieceActor, PieceService, UploadFormResult } from '../../../shared/services/pieces';
import { piecesOf } from '../../../shared/services/pieces/context';

/** What the document tests share: the seeded demo marché, the services on the platform, and S3 helpers. */
export interface DocumentsWorld {
  readonly marche: Marche;
  readonly pieces: PieceService;
  readonly dossiers: DossierService;
  /** Executions the dossier service asked to start (the dossier workflow is another part's; recorded here). */
  readonly started: string[];
  actor(who: keyof typeof DEMO.sirets): PieceActor;
}

export async function documentsWorld(platform: Platform): Promise<DocumentsWorld> {
  const started: string[] = [];
  const workflow: WorkflowPort = {
    start: async (dossierId) => {
      started.push(dossierId);
      return 'started';
    },
    release: async () => true,
  };
  const ctx = contextWith({ workflow });
  const { identity, marches } = ctx.stores;
  await seedDemo({ identity, marches }, platform.clock.now());
  const marche = (await marches.get(DEMO.marcheId))?.marche;
  if (!marche) throw new Error('demo marché not seeded');
  return {
    marche,
    pieces: piecesOf(ctx),
    dossiers: ctx.dossiers,
    started,
    actor: (who) => ({ siret: DEMO.sirets[who], roles: rolesOf(marche, DEMO.sirets[who]) }),
  };
}

/** Posts a file to a presigned form as a browser does (fields first, then `file`). */
export async function postFile(
  form: Pick<UploadFormResult, 'url' | 'fields'>,
  bytes: Uint8Array,
  options: { fileName?: string; extraFields?: Record<string, string> } = {},
): Promise<{ status: number; text: string }> {
  const body = new FormData();
  for (const [k, v] of Object.entries({ ...form.fields, ...options.extraFields })) body.append(k, v);
  body.append('file', new Blob([bytes]), options.fileName ?? 'fichier');
  const res = await fetch(form.url, { method: 'POST', body });
  return { status: res.status, text: await res.text() };
}

export function s3ErrorCode(xml: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];
}

/** The object key behind a file (not part of the service's answers: read from the table). */
export async function objectKeyOf(platform: Platform, dossierId: string, pieceId: string, fileId: string) {
  const { Item } = await platform.clients.document.send(
    new GetCommand({ TableName: platform.tableName, Key: keys.pieceFile(dossierId, pieceId, fileId) }),
  );
  return Item?.objectKey as string;
}

export async function objectExists(platform: Platform, key: string): Promise<boolean> {
  try {
    await platform.clients.s3.send(new HeadObjectCommand({ Bucket: platform.bucketName, Key: key }));
    return true;
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw e;
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The DomainError a promise rejects with (fails when it resolves or throws anything else). */
export async function refusalOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError, the promise resolved');
}
