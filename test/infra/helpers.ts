import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { FacturesTravauxStack, type FacturesTravauxStackProps } from '../../infra/stack';
import { FIXTURE_REGISTRY } from './fixtures/registry';

export const ENV = { account: '111111111111', region: 'eu-west-3' };

const outdirs: string[] = [];

/** An app that does not bundle (asset hashes still work) and writes its assembly to a temp dir. */
export function makeApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'infra-test-'));
  outdirs.push(outdir);
  return new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
}

export function cleanupApps(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A built portal in miniature (index.html and one content-hashed asset), removed by `cleanupApps`. */
export function makePortalDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portal-dist-'));
  outdirs.push(dir);
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html lang="fr"><title>Factures de travaux</title></html>');
  writeFileSync(join(dir, 'assets', 'index-3f2a.js'), 'console.log(1)');
  return dir;
}

export function makeStack(props: FacturesTravauxStackProps = {}, app = makeApp()): FacturesTravauxStack {
  return new FacturesTravauxStack(app, 'Test', { env: ENV, ...props });
}

/**
 * The stack over the fixture registry (one function of each kind), plus a state machine added the way workflow
 * code will add one: a callback task on `recordPending`.
 */
export function makeFixtureStack(props: FacturesTravauxStackProps = {}, app = makeApp()): FacturesTravauxStack {
  const stack = makeStack({ registry: FIXTURE_REGISTRY, ...props }, app);
  const waitForDecision = new tasks.LambdaInvoke(stack, 'WaitForDecision', {
    lambdaFunction: stack.functions.get('recordPending'),
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({ taskToken: sfn.JsonPath.taskToken }),
    taskTimeout: sfn.Timeout.duration(Duration.days(15)),
  });
  stack.workflows.addStateMachine('Dossier', waitForDecision.next(new sfn.Succeed(stack, 'Done')));
  return stack;
}
