import type { DossierStore } from '../adapters/dynamo/dossier-store';
import type { OpenDossierRef, OpenDossiersPage } from '../adapters/dynamo/open-dossiers';
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
 *
 * Every open dossier is walked, page after page of the open-dossiers index: nothing stops at a count. After each
 * page the report's `cursor` says where the walk stands, so an interrupted resume can go on from there (`from`);
 * starting again from the beginning is also safe, only slower (running executions are left alone). At the end the
 * number of dossiers seen is checked against a count of the index.
 */
export interface OpenDossierSource {
  page(cursor?: string, pageSize?: number): Promise<OpenDossiersPage>;
  count(): Promise<number>;
}

export interface ResumeOptions {
  readonly store: DossierStore;
  /** The open-dossiers index (`stores.openDossiers`). */
  readonly open: OpenDossierSource;
  readonly workflow: WorkflowPort;
  /** Also replace executions that are running (e.g. to move them onto a new definition version). Default false. */
  readonly replaceRunning?: boolean;
  /**
   * Replace the running executions started before this instant (`executionRenewalCutoff`): renewed before Step
   * Functions' one-year limit ends them. Needs the port's `startedAt`.
   */
  readonly renewStartedBefore?: Date;
  /**
   * Replace the running executions whose dossier's wait has had no task token since before this instant: the call
   * that should have released their wait (SendTaskSuccess) was lost, and the execution still waits in an older step.
   * Default: none (at boot every execution is lost anyway). The nightly resume gives it an hour's margin, since an
   * execution records the token of a new wait within moments of the decision.
   */
  readonly rearmWaitsWithoutTokenSince?: Date;
  /** Progress messages (e.g. console.log at boot). */
  readonly log?: (message: string) => void;
  /** Go on from this cursor (a previous report's `cursor`) instead of the first open dossier. */
  readonly from?: string;
  /** Open dossiers read per page (default 500). */
  readonly pageSize?: number;
  /** Dossiers handled at once within a page (default 8). */
  readonly concurrency?: number;
  /** Called after each page with the cursor of the next one (to record progress); absent after the last page. */
  readonly onPage?: (progress: { readonly pages: number; readonly seen: number; readonly cursor?: string }) => void;
}

export interface ResumeReport {
  /** Dossiers given a new execution, with its name. */
  readonly resumed: { readonly dossierId: string; readonly execution: string }[];
  /** Dossiers whose execution is running (left alone). */
  readonly running: string[];
  /** Dossiers whose running execution was replaced by a new one because of its age (`renewStartedBefore`). */
  readonly renewed: string[];
  /** Dossiers whose running execution waited in an older step (`rearmWaitsWithoutTokenSince`), replaced. */
  readonly rearmed: string[];
  readonly failed: { readonly dossierId: string; readonly error: string }[];
  /** Open dossiers read from the index by this walk, and the pages read. */
  seen: number;
  pages: number;
  /** Where the walk stopped, when it did not reach the end (an error reading the index). */
  cursor?: string;
  /** Open dossiers the index counts once the walk is over (checked against `seen` when the walk began at the start). */
  indexCount?: number;
}

export async function resumeOpenDossiers(options: ResumeOptions): Promise<ResumeReport> {
  const log = options.log ?? (() => undefined);
  const report: ResumeReport = { resumed: [], running: [], renewed: [], rearmed: [], failed: [], seen: 0, pages: 0 };
  const concurrency = Math.max(1, options.concurrency ?? 8);
  let cursor = options.from;
  do {
    let page: OpenDossiersPage;
    try {
      page = await options.open.page(cursor, options.pageSize ?? 500);
    } catch (e) {
      report.cursor = cursor;
      log(`Reprise interrompue après ${report.seen} dossiers : ${describeError(e)}.`);
      throw new ResumeInterrupted(report, e);
    }
    for (let i = 0; i < page.items.length; i += concurrency) {
      await Promise.all(page.items.slice(i, i + concurrency).map((open) => resumeOne(options, open, report, log)));
    }
    report.seen += page.items.length;
    report.pages += 1;
    cursor = page.next;
    options.onPage?.({ pages: report.pages, seen: report.seen, ...(cursor ? { cursor } : {}) });
  } while (cursor);
  report.indexCount = await options.open.count();
  if (options.from === undefined && report.indexCount > report.seen) {
    // Dossiers opened while the walk ran are started by their own deposit; more than that would be a lost page
    log(`Index : ${report.indexCount} dossiers ouverts, ${report.seen} parcourus.`);
  }
  return report;
}

async function resumeOne(
  options: ResumeOptions,
  open: OpenDossierRef,
  report: ResumeReport,
  log: (message: string) => void,
): Promise<void> {
  const { dossierId } = open;
  const port = options.workflow;
  try {
    const current = executionName(dossierId, open.executionGeneration);
    // Without `describe` the port cannot tell: the execution is taken as lost (the local restart case)
    const state = port.describe ? await port.describe(current) : 'MISSING';
    if (state === 'RUNNING') {
      const renew = !options.replaceRunning && (await tooOld(options, current));
      const rearm = !options.replaceRunning && !renew && (await waitLost(options, dossierId));
      if (!options.replaceRunning && !renew && !rearm) {
        report.running.push(dossierId);
        return;
      }
      await port.stop?.(
        current,
        renew
          ? "Renouvellement de l'exécution avant sa limite d'un an"
          : rearm
            ? "Reprise du dossier : l'exécution attendait une étape passée (jeton jamais renvoyé)"
            : 'Reprise du dossier sur une nouvelle exécution',
      );
      if (renew) report.renewed.push(dossierId);
      if (rearm) report.rearmed.push(dossierId);
    }
    const next = open.executionGeneration + 1;
    if (!(await options.store.setExecutionGeneration(dossierId, next))) {
      // Another resume claimed this generation first: its execution is the dossier's
      report.running.push(dossierId);
      return;
    }
    const name = executionName(dossierId, next);
    await port.start(dossierId, name);
    report.resumed.push({ dossierId, execution: name });
    log(`Dossier ${dossierId} repris (exécution ${name}).`);
  } catch (e) {
    const error = describeError(e);
    report.failed.push({ dossierId, error });
    log(`Dossier ${dossierId} non repris : ${error}`);
  }
}

/** The dossier's wait has had no task token since before `rearmWaitsWithoutTokenSince`. */
async function waitLost(options: ResumeOptions, dossierId: string): Promise<boolean> {
  const cutoff = options.rearmWaitsWithoutTokenSince;
  if (!cutoff) return false;
  const wait = await options.store.waitWithoutToken(dossierId);
  return wait !== undefined && Date.parse(wait.since) < cutoff.getTime();
}

/** The running execution started before `renewStartedBefore`. */
async function tooOld(options: ResumeOptions, execution: string): Promise<boolean> {
  if (!options.renewStartedBefore || !options.workflow.startedAt) return false;
  const started = await options.workflow.startedAt(execution);
  return started !== undefined && started.getTime() < options.renewStartedBefore.getTime();
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The index could not be read to the end: `report.cursor` says where to go on from (`from`). */
export class ResumeInterrupted extends Error {
  override readonly name = 'ResumeInterrupted';
  constructor(
    readonly report: ResumeReport,
    cause: unknown,
  ) {
    super(`reprise interrompue après ${report.seen} dossiers ouverts : ${describeError(cause)}`, { cause });
  }
}
