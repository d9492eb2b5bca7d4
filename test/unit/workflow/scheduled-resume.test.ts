import { describe, expect, it } from 'vitest';
import { scheduledResumeHandler } from '../../../functions/workflow/resume';
import type { OpenDossierRef } from '../../../shared/adapters/dynamo/open-dossiers';
import type { WorkflowPort } from '../../../shared/adapters/workflow';
import { EXECUTION_RENEWAL_DAYS, executionName } from '../../../shared/domain/workflow';
import type { ServiceContext } from '../../../shared/services/context';

/**
 * The daily resume on AWS (functions/workflow/resume.ts) over the shared `resumeOpenDossiers`, with an in-memory
 * workflow port and open-dossiers index: a lost execution is started again, a running one is left alone until it
 * nears Step Functions' one-year limit, then renewed; each under the next generation's name.
 */
// Monday 1 June 2026, 02:30 Paris (00:30 UTC). Cutoff: 335 days before = 1 June 2026 − 365 days (1 June 2025)
// + 30 days = 1 July 2025, 00:30 UTC
const NOW = new Date('2026-06-01T00:30:00.000Z');

function setUp(executions: Record<string, { state: 'RUNNING' | 'ENDED'; startedAt: string }>) {
  const open: OpenDossierRef[] = [
    { dossierId: 'PERDU', executionGeneration: 1 },
    { dossierId: 'ANCIEN', executionGeneration: 1 },
    { dossierId: 'RECENT', executionGeneration: 2 },
  ];
  const generations = new Map(open.map((o) => [o.dossierId, o.executionGeneration]));
  const started: string[] = [];
  const stopped: string[] = [];
  const workflow: WorkflowPort = {
    async start(_dossierId, name) {
      started.push(name);
      return 'started';
    },
    async release() {
      return true;
    },
    async describe(name) {
      return executions[name]?.state ?? 'MISSING';
    },
    async startedAt(name) {
      const e = executions[name];
      return e ? new Date(e.startedAt) : undefined;
    },
    async stop(name) {
      stopped.push(name);
    },
  };
  const ctx = {
    clock: { now: () => new Date(NOW) },
    infra: { workflow },
    stores: {
      openDossiers: {
        page: async () => ({ items: open }),
        count: async () => open.length,
      },
      dossiers: {
        // Every wait holds its token (a lost one: test/integration/workflows/lost-calls.test.ts)
        async waitWithoutToken() {
          return undefined;
        },
        async setExecutionGeneration(dossierId: string, generation: number) {
          if (generations.get(dossierId) !== generation - 1) return false;
          generations.set(dossierId, generation);
          return true;
        },
      },
    },
  } as unknown as ServiceContext;
  return { handler: scheduledResumeHandler(() => ctx), started, stopped };
}

describe('scheduled resume (EventBridge Scheduler, daily)', () => {
  it('restarts a lost execution and renews one started more than 335 days ago; a younger one is left alone', async () => {
    expect(EXECUTION_RENEWAL_DAYS).toBe(335);
    const { handler, started, stopped } = setUp({
      // 20 June 2025: before the 1 July 2025 cutoff (346 days old)
      [executionName('ANCIEN', 1)]: { state: 'RUNNING', startedAt: '2025-06-20T08:00:00.000Z' },
      // 10 July 2025: after it (326 days old)
      [executionName('RECENT', 2)]: { state: 'RUNNING', startedAt: '2025-07-10T08:00:00.000Z' },
    });

    const outcome = await handler();

    expect(outcome).toEqual({ seen: 3, resumed: 2, renewed: 1, rearmed: 0, running: 1, failed: [] });
    expect(stopped).toEqual([executionName('ANCIEN', 1)]);
    expect(started.sort()).toEqual([executionName('ANCIEN', 2), executionName('PERDU', 2)].sort());
  });

  it('changes nothing on a second run the same night (the new executions run)', async () => {
    const executions: Record<string, { state: 'RUNNING' | 'ENDED'; startedAt: string }> = {
      [executionName('PERDU', 1)]: { state: 'RUNNING', startedAt: '2026-05-01T08:00:00.000Z' },
      [executionName('ANCIEN', 1)]: { state: 'RUNNING', startedAt: '2026-05-02T08:00:00.000Z' },
      [executionName('RECENT', 2)]: { state: 'RUNNING', startedAt: '2026-05-03T08:00:00.000Z' },
    };
    const { handler, started, stopped } = setUp(executions);

    expect(await handler()).toEqual({ seen: 3, resumed: 0, renewed: 0, rearmed: 0, running: 3, failed: [] });
    expect(started).toEqual([]);
    expect(stopped).toEqual([]);
  });
});
