import { beforeAll, expect } from 'vitest';
import type { Platform, StartPlatformOptions } from '../../../infra/local/platform';
import { type ChainedEvent, verifyTrail } from '../../../shared/adapters/audit';
import type { DossierStore } from '../../../shared/adapters/dynamo/dossier-store';
import type { OpenDossierIndex } from '../../../shared/adapters/dynamo/open-dossiers';
import { executionArn, type WorkflowPort } from '../../../shared/adapters/workflow';
import type { Action } from '../../../shared/domain/circuits';
import type { EcbRateTable } from '../../../shared/domain/dgp';
import { executionName, WORKFLOW_EVENT_TYPES } from '../../../shared/domain/workflow';
import { DEMO, type DemoUserKey, seedDemo } from '../../../shared/seed/demo';
import { contextWith, serviceContext } from '../../../shared/services/context';
import type { DossierRecord } from '../../../shared/services/decisions';
import type { DossierService } from '../../../shared/services/dossier-service';
import { FIXED_START, usePlatform } from '../../setup/platform';

/**
 * The embedded platform with the demo marché seeded (docs/rules/actors.md roles: MOA, MOE, mandataire, cotraitant,
 * sous-traitant, service financier), and the dossier service the API uses. Dossiers are driven as the API drives
 * them (`decide`: the user, the version read), the clock is moved with `advanceClock`, and what the state machine
 * did is read back from DynamoDB and from the local Step Functions.
 */
export function useWorkflowPlatform(options: Omit<StartPlatformOptions, 'port' | 'inMemory'> = {}): () => Platform {
  // The workflow tests move the clock to absolute dates (2030): it starts at a fixed instant, whatever the machine's
  const platform = usePlatform({ startAt: FIXED_START, ...options });
  beforeAll(async () => {
    const p = platform();
    const { stores } = serviceContext();
    await seedDemo({ identity: stores.identity, marches: stores.marches }, p.clock.now());
  });
  return platform;
}

/**
 * A hypothetical ECB rate for the first half of 2030 (the rule book's table stops in 2025; it must never be guessed
 * by the code, so the tests that compute interest pass their own table).
 */
export const TEST_ECB_RATES: EcbRateTable = [{ halfYearStart: '2030-01-01' as never, rateBp: 200 }];

export function dossierService(ecbRates?: EcbRateTable): DossierService {
  return contextWith({ ecbRates }).dossiers;
}

/** Paris instant (CET/CEST given explicitly by the caller's offset). */
export const at = (iso: string) => ({ to: iso });

export const montants = (htCents: number) => ({ htCents, tvaCents: htCents / 5, ttcCents: htCents + htCents / 5 });

export interface Driver {
  readonly id: string;
  record(): Promise<DossierRecord>;
  /** A person's decision through the API path (authorization, If-Match), then the workflow settles. */
  decide(who: DemoUserKey, action: Action): Promise<DossierRecord>;
  /** The first deposit by `who`. */
  open(who: DemoUserKey, action: Action): Promise<DossierRecord>;
  /** Audit trail event types, in order. */
  trail(): Promise<string[]>;
  events(type: string): Promise<ChainedEvent[]>;
  /** No failure recorded, the audit chain verifies, and a closed dossier has nothing left waiting. */
  expectSound(): Promise<void>;
}

/**
 * Waits until the dossier's execution is at rest: ended, or waiting in the wait of the dossier's current version with
 * its token recorded. `settle` alone may return between two steps the runner schedules on its own timers (retries,
 * and under load the library's own hops); this only waits for in-process work, the clock does not move.
 */
export async function settleDossier(platform: () => Platform, id: string): Promise<DossierRecord | undefined> {
  const service = dossierService();
  for (let i = 0; i < 400; i++) {
    await platform().settle();
    const r = await service.find(id);
    if (!r) return undefined;
    const name = executionName(id, r.workflow.generation);
    const running = platform()
      .stepFunctions.listExecutions(platform().stateMachineArns.Dossier as string, 'RUNNING')
      .some((e) => e.name === name);
    if (!running) return r;
    const waits = waitsOf(platform, id);
    if (
      r.open &&
      waits.length === 1 &&
      waits[0]?.payload.version === r.version &&
      r.pending?.taskToken === waits[0]?.token
    ) {
      return r;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`l'exécution du dossier ${id} ne se stabilise pas`);
}

export function driver(platform: () => Platform, id: string, service = dossierService()): Driver {
  const record = async () => {
    await settleDossier(platform, id);
    return service.load(id);
  };
  return {
    id,
    record,
    async open(who, action) {
      await service.decide({ marcheId: DEMO.marcheId, userId: DEMO.users[who].id, action });
      return record();
    },
    async decide(who, action) {
      const before = await record();
      await service.decide({ dossierId: id, userId: DEMO.users[who].id, action, expectedVersion: before.version });
      return record();
    },
    async trail() {
      return (await record()).events.map((e) => e.type);
    },
    async events(type) {
      return (await record()).events.filter((e) => e.type === type);
    },
    async expectSound() {
      const r = await record();
      expect(r.events.map((e) => e.type)).not.toContain(WORKFLOW_EVENT_TYPES.failed);
      expect(verifyTrail(r.events)).toMatchObject({ ok: true, length: r.events.length });
      if (!r.open) expect(waitsOf(platform, id)).toEqual([]);
    },
  };
}

/** The local Step Functions' view of an execution (by name). */
export function execution(platform: () => Platform, name: string) {
  return platform().stepFunctions.describeExecution(executionArn(name));
}

/** The wait the execution is in (from the local runner) and the token the dossier holds (from DynamoDB). */
export async function expectWaiting(platform: () => Platform, d: Driver, stateName: string): Promise<void> {
  const record = await d.record();
  expect(record.open).toBe(true);
  const waiting = waitsOf(platform, d.id);
  expect(waiting.map((t) => t.stateName)).toEqual([stateName]);
  expect(record.pending?.taskToken).toBe(waiting[0]?.token);
  expect(waiting[0]?.payload).toMatchObject({ step: record.state.state, version: record.version });
}

/** The callback tasks of the local runner waiting on a dossier (lambda:invoke payload). */
export function waitsOf(platform: () => Platform, dossierId: string) {
  return platform()
    .stepFunctions.pendingTasks()
    .map((t) => ({ ...t, payload: (t.payload as { Payload?: Record<string, unknown> }).Payload ?? {} }))
    .filter((t) => t.payload.dossierId === dossierId);
}

/** Day counts of the DGP clock per holder. */
export const days = (moe: number, moa: number, sf: number) => ({ MOE: moe, MOA: moa, SERVICE_FINANCIER: sf });

/** What `resumeOpenDossiers` needs, from the platform's services. */
export function resumeOptions(): { store: DossierStore; open: OpenDossierIndex; workflow: WorkflowPort } {
  const ctx = serviceContext();
  return { store: ctx.stores.dossiers, open: ctx.stores.openDossiers, workflow: ctx.infra.workflow };
}
