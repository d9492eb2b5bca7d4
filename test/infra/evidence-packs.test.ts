import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FacturesTravauxStack } from '../../infra/stack';
import { EVIDENCE_WORKER_ENV } from '../../shared/services/evidence/builder';
import { cleanupApps, makeStack } from './helpers';

/**
 * The evidence packs' retention (docs/evidence-pack.md#retention): the function that builds them (the worker
 * `dossiersEvidenceBuild`) writes under `preuves/` only, locks each pack 30 days instead of the bucket's 10 years,
 * and the bucket hides a pack after 30 days. The API function `dossiersEvidence` writes nothing and may invoke that
 * worker, and no other function (docs/evidence-pack.md#where-it-is-built).
 */
type Resource = { Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown };

afterAll(cleanupApps);

function evidenceFunction(
  template: Template,
  stack: FacturesTravauxStack,
  key: 'dossiersEvidence' | 'dossiersEvidenceBuild' = 'dossiersEvidenceBuild',
) {
  const fn = stack.functions.get(key);
  const fnId = stack.getLogicalId(fn.node.defaultChild as never);
  const roleId = stack.getLogicalId(fn.role?.node.defaultChild as never);
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify((p as Resource).Properties.Roles).includes(`"${roleId}"`))
    .flatMap((p) => ((p as Resource).Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  const env = (template.findResources('AWS::Lambda::Function')[fnId] as Resource).Properties.Environment as {
    Variables: Record<string, unknown>;
  };
  return { fnId, statements, variables: env.Variables };
}

/** The object part of a statement's resource: `{ Fn::Join: ['', [<bucket arn>, '/preuves/*']] }` → '/preuves/*'. */
function objectPath(resource: unknown): string {
  const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  return join ? String(join[1].at(-1)) : JSON.stringify(resource);
}

describe('Evidence packs in the documents bucket', () => {
  let stack: FacturesTravauxStack;
  let template: Template;
  beforeAll(() => {
    stack = makeStack();
    template = Template.fromStack(stack);
  }, 180_000);

  it('lets the pack function read every document but write, and lock, under preuves/ only', () => {
    const { statements } = evidenceFunction(template, stack);
    const writes = statements.filter((s) => [s.Action].flat().some((a) => a !== 's3:ListBucket' && /^s3:Put/.test(a)));
    expect(writes).toHaveLength(1);
    expect([writes[0]?.Action].flat().sort()).toEqual([
      's3:AbortMultipartUpload',
      's3:PutObject',
      's3:PutObjectRetention',
    ]);
    expect(objectPath(writes[0]?.Resource)).toBe('/preuves/*');
    const reads = statements.find((s) => [s.Action].flat().includes('s3:GetObjectVersion'));
    expect(objectPath(reads?.Resource)).toBe('/*');
    expect([reads?.Action].flat().sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
  });

  it('gives the API function the worker to invoke, by its name, and nothing to write', () => {
    const worker = evidenceFunction(template, stack, 'dossiersEvidenceBuild');
    const api = evidenceFunction(template, stack, 'dossiersEvidence');
    // the variable the API function reads the worker's name from (shared/services/evidence/builder.ts)
    expect(EVIDENCE_WORKER_ENV).toBe('DOSSIERS_EVIDENCE_BUILD_FUNCTION');
    expect(api.variables[EVIDENCE_WORKER_ENV]).toEqual({ Ref: worker.fnId });
    const invokes = api.statements.filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(invokes).toHaveLength(1);
    // the worker and its versions, nothing else
    expect(JSON.stringify(invokes[0]?.Resource)).toContain(`"${worker.fnId}"`);
    for (const r of [invokes[0]?.Resource].flat()) expect(JSON.stringify(r)).toContain(`"${worker.fnId}"`);
    expect(api.statements.flatMap((s) => [s.Action].flat()).filter((a) => /^s3:Put|^s3:Delete/.test(a))).toEqual([]);
    // no other function may invoke the worker, and the worker invokes nothing
    const invokers = stack.functions
      .entries()
      .filter(([key]) =>
        evidenceFunction(template, stack, key as 'dossiersEvidence').statements.some((s) =>
          [s.Action].flat().includes('lambda:InvokeFunction'),
        ),
      )
      .map(([key]) => key);
    expect(invokers).toEqual(['dossiersEvidence']);
  });

  it('tells the function to lock each pack 30 days, and hides packs after 30 days', () => {
    expect(evidenceFunction(template, stack).variables.EVIDENCE_PACK_RETENTION_DAYS).toBe('30');
    const bucket = Object.values(template.findResources('AWS::S3::Bucket')).find(
      (b) => (b as Resource).Properties.ObjectLockEnabled === true,
    ) as Resource;
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({ Id: 'EvidencePacks', Prefix: 'preuves/', ExpirationInDays: 30, Status: 'Enabled' }),
    );
    // the hidden pack version is then removed by the rule of hidden versions, once its 30 days of lock are over
    expect(rules).toContainEqual(
      expect.objectContaining({ Id: 'HiddenVersions', NoncurrentVersionExpiration: { NoncurrentDays: 1 } }),
    );
  });

  it('asks for no lock where the bucket has no Object Lock', () => {
    const unlocked = makeStack({ retentionDays: 0, production: false });
    const { variables } = evidenceFunction(Template.fromStack(unlocked), unlocked);
    expect(variables.EVIDENCE_PACK_RETENTION_DAYS).toBeUndefined();
  }, 180_000);
});
