import { beforeAll } from 'vitest';
import type { Platform, StartPlatformOptions } from '../../../../infra/local/platform';
import { IdentityStore } from '../../../../shared/adapters/dynamo/identity-store';
import { MarcheStore } from '../../../../shared/adapters/dynamo/marche-store';
import { DEMO, type DemoUserKey, seedDemo } from '../../../../shared/seed/demo';
import { usePlatform } from '../../../setup/platform';
import { draftWithMainFile, type Json, type PieceSpec, type Session, signInAs } from './client';

/**
 * One embedded platform per test file with the demo marché seeded (shared/seed/demo.ts), and a signed-in session
 * per demo user. Everything goes through HTTP, as a client would.
 */
export type Sessions = Record<DemoUserKey, Session>;

export interface World {
  readonly platform: Platform;
  readonly as: Sessions;
  /** Signs every user in again (after moving the clock past a token's 12 h). */
  refreshSessions(): Promise<void>;
  /** Draft + verified main PDF, through the API. */
  draft(s: Session, path: string, spec: PieceSpec): ReturnType<typeof draftWithMainFile>;
  /** A new dossier opened by `s` with a verified main file and sent; returns its ids and version. */
  open(s: Session, spec: PieceSpec): Promise<{ dossierId: string; pieceId: string; version: number; body: Json }>;
  /** A follow-up piece drafted, its PDF verified, then sent with `type` (If-Match = version). */
  follow(
    s: Session,
    dossierId: string,
    version: number,
    spec: PieceSpec & { type: string; extra?: Record<string, unknown> },
  ): Promise<{ status: number; version: number; body: Json }>;
  act(
    s: Session,
    dossierId: string,
    version: number,
    action: Record<string, unknown>,
  ): Promise<{ status: number; version: number; body: Json }>;
}

/** `options.startAt`: tests with absolute dates start the platform clock at an explicit instant. */
export function useWorld(options: Omit<StartPlatformOptions, 'port' | 'inMemory'> = {}): () => World {
  const getPlatform = usePlatform(options);
  let world: World | undefined;
  beforeAll(async () => {
    const p = getPlatform();
    await seedDemo(
      {
        identity: new IdentityStore(p.clients.document, p.tableName),
        marches: new MarcheStore(p.clients.document, p.tableName),
      },
      p.clock.now(),
    );
    const as = {} as Sessions;
    const refreshSessions = async () => {
      for (const [key, u] of Object.entries(DEMO.users)) as[key as DemoUserKey] = await signInAs(p.url, u.login);
    };
    await refreshSessions();
    const settle = async () => p.settle();
    const draft: World['draft'] = (s, path, spec) => draftWithMainFile(s, path, spec, settle);
    world = {
      platform: p,
      as,
      refreshSessions,
      draft,
      open: async (s, spec) => {
        const d = await draft(s, `/v1/marches/${DEMO.marcheId}/pieces`, spec);
        const sent = await s.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`, {});
        if (sent.status !== 201) throw new Error(`envoi ${spec.numero} : ${sent.status} ${JSON.stringify(sent.body)}`);
        await p.settle();
        return { dossierId: d.dossierId, pieceId: d.pieceId, version: sent.version as number, body: sent.body };
      },
      follow: async (s, dossierId, version, spec) => {
        const d = await draft(s, `/v1/dossiers/${dossierId}/pieces`, spec);
        const sent = await s.post(
          `/v1/dossiers/${dossierId}/pieces/${d.pieceId}/envoyer`,
          { type: spec.type, ...spec.extra },
          { ifMatch: version },
        );
        await p.settle();
        return { status: sent.status, version: sent.version ?? version, body: sent.body };
      },
      act: async (s, dossierId, version, action) => {
        const res = await s.post(`/v1/dossiers/${dossierId}/actions`, action, { ifMatch: version });
        await p.settle();
        return { status: res.status, version: res.version ?? version, body: res.body };
      },
    };
  });
  return () => {
    if (!world) throw new Error('the world is built in beforeAll');
    return world;
  };
}

export { DEMO };
