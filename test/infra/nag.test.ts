import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupApps, makeApp, makeFixtureStack, makePortalDist, makeStack } from './helpers';

afterAll(cleanupApps);

interface Violation {
  ruleName: string;
  violatingConstructs: { constructPath: string }[];
}
interface SuppressedViolation extends Violation {
  acknowledgedId: string;
  acknowledgedAt: string;
  reason: string;
}
interface Report {
  pluginReports: { pluginName: string; violations: Violation[]; suppressedViolations: SuppressedViolation[] }[];
}

/** In-process synth with the cdk-nag AwsSolutions pack, the way `npm run synth` runs it. */
function synthWithNag(app: App): { error?: Error; report: Report } {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as Report;
  return { error, report };
}

/** Every acknowledgement recorded in the tree: `${path} ${id}` → reason. */
function acknowledgements(root: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const node of root.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.set(`${node.node.path} ${id}`, reason);
      }
    }
  }
  return found;
}

const describeViolations = (report: Report) =>
  report.pluginReports.flatMap((p) =>
    p.violations.map((v) => `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`),
  );

describe('cdk-nag AwsSolutions', () => {
  for (const [name, build] of [
    ['the stack over the real registry', (app: App) => makeStack({}, app)],
    ['the stack with one function of each kind and a state machine', (app: App) => makeFixtureStack({}, app)],
    [
      'a development stack behind an external OIDC issuer',
      (app: App) =>
        makeFixtureStack({ production: false, auth: { issuer: 'https://login.example.fr', audience: ['web'] } }, app),
    ],
    [
      'a stack deploying the built portal on its own domain behind a WAF',
      (app: App) =>
        makeFixtureStack(
          {
            portal: {
              assetsDir: makePortalDist(),
              domain: {
                names: ['factures.example.fr'],
                certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/0a1b2c3d-0000-4000-8000-000000000000',
              },
              webAclId: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/factures/0a1b2c3d',
            },
          },
          app,
        ),
    ],
  ] as const) {
    it(`reports nothing unacknowledged on ${name}, and every acknowledgement is used and explained`, () => {
      const app = makeApp();
      build(app);
      const { error, report } = synthWithNag(app);
      expect(describeViolations(report)).toEqual([]);
      expect(error).toBeUndefined();
      const plugin = report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
      expect(plugin).toBeDefined();

      // No stale acknowledgement: each one recorded in the tree suppressed at least one finding.
      const used = new Set(plugin?.suppressedViolations.map((s) => `${s.acknowledgedAt} ${s.acknowledgedId}`));
      const recorded = acknowledgements(app);
      expect([...recorded.keys()].filter((k) => !used.has(k))).toEqual([]);
      for (const reason of recorded.values()) expect(reason.length).toBeGreaterThan(40);
      // IAM5 is acknowledged finding by finding, never as a whole rule.
      expect([...recorded.keys()].filter((k) => k.endsWith('AwsSolutions-IAM5'))).toEqual([]);
      // A whole-stack synth is CPU-bound: on the shared 2-core machine it can pass 30 s.
    }, 120_000);
  }

  it('fails the synth when a finding is not acknowledged', () => {
    const app = makeApp();
    const stack = makeStack({}, app);
    new s3.Bucket(Stack.of(stack), 'Loose');
    const { error, report } = synthWithNag(app);
    expect(error?.constructor.name).toBe('UnscopedValidationError');
    const violations = describeViolations(report);
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AwsSolutions-S1 at Test\/Loose/),
        expect.stringMatching(/^AwsSolutions-S10 at Test\/Loose/),
      ]),
    );
  });
});
