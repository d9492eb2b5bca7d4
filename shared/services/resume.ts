import type { DossierStore } from '../adapters/dynamo/dossier-store';
import type { WorkflowPort } from '../adapters/workflow';
import { executionName } from '../domain/workflow';

/**
 * Resume (docs/DESIGN.md#how-a-dossier-flows): DynamoDB is the source of truth and an execution can be lost (the
 * embedded platform keeps executions in memory; a new definition version may have to take over). For each open
 * dossier whose execution is not running, a new execution is started, named `executionName(dossierId, g + 1)` and
 * its generation recorded on the dossier first. The definition's first state reads the dossier: the new execution
 * re-enters the pending wait with the deadline that remains (or applies the tacit outcome at once when it passed
 * while nothing ran). Idempotent: a dossier whose execution runs is left alone, and two resumes racing each other
 * start one execution (the generation is claimed with a conditional write).
 */
export interface ResumeOptions {
  readonly store: DossierStore;
  readonly workflow: WorkflowPort;
  /** Also replace executions that are running (e.g. to move them onto a new definition version). Default false. */
  readonly replaceRunning?: boolean;
  /** Progress messages (e.g. console.log at boot). */
  readonly log?: (message: string) => void;
}

export interface ResumeReport {
  /** Dossiers given a new execution, with its name. */
  readonly resumed: { readonly dossierId: string; readonly execution: string }[];
  /** Dossiers whose execution is running (left alone). */
  readonly running: string[];
  readonly failed: { readonly dossierId: string; readonly error: string }[];
}

export async function resumeOpenDossiers(options: ResumeOptions): Promise<ResumeReport> {
  const store = options.store;
  const port = options.workflow;
  const log = options.log ?? (() => undefined);
  const report: ResumeReport = { resumed: [], running: [], failed: [] };
  for (const open of await store.openDossiers()) {
    const { dossierId } = open;
    try {
      const current = executionName(dossierId, open.executionGeneration);
      // Without `describe` the port cannot tell: the execution is taken as lost (the local restart case)
      const state = port.describe ? await port.describe(current) : 'MISSING';
      if (state === 'RUNNING') {
        if (!options.replaceRunning) {
          report.running.push(dossierId);
          continue;
        }
        await port.stop?.(current, 'Reprise du dossier sur une nouvelle exécution');
      }
      const next = open.executionGeneration + 1;
      if (!(await store.setExecutionGeneration(dossierId, next))) {
        // Another resume claimed this generation first: its execution is the dossier's
        report.running.push(dossierId);
        continue;
      }
      const name = executionName(dossierId, next);
      await port.start(dossierId, name);
      report.resumed.push({ dossierId, execution: name });
      log(`Dossier ${dossierId} repris (exécution ${name}).`);
    } catch (e) {
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      report.failed.push({ dossierId, error });
      log(`Dossier ${dossierId} non repris : ${error}`);
    }
  }
  return report;
}
