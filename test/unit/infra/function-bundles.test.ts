import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../functions/catalog';
import { LAMBDAS, type LambdaDefinition } from '../../../functions/registry';
import { bundleDefine, esbuildOptionsOf } from '../../../infra/constructs/bundling';

/** A function bundled as the stack bundles it (infra/constructs/functions.ts), with the modules it holds. */
const outDir = mkdtempSync(path.join(tmpdir(), 'function-bundles-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

async function bundleOf(key: string, def: LambdaDefinition): Promise<{ file: string; inputs: string[] }> {
  const file = path.join(outDir, key, 'index.mjs');
  const result = await build(esbuildOptionsOf(path.resolve(def.entry), file, bundleDefine(def)));
  // the modules with code in the output (the metafile's `inputs` also lists what tree shaking dropped)
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs).filter(([, use]) => use.bytesInOutput > 0);
  return { file, inputs: inputs.map(([input]) => input) };
}

const has = (inputs: string[], part: string) => inputs.some((input) => input.includes(part));

describe('what a function bundles: the services its routes use, nothing else', () => {
  it('the health check carries no rule book, no service and no S3 client', async () => {
    const { inputs } = await bundleOf('health', LAMBDAS.health);
    expect(has(inputs, 'shared/services/dossier-service.ts')).toBe(false);
    expect(has(inputs, 'shared/domain/circuits/transition.ts')).toBe(false);
    expect(has(inputs, 'shared/services/identity-service.ts')).toBe(false);
    expect(has(inputs, '@aws-sdk/client-s3')).toBe(false);
    // the control: the table client it does use is there
    expect(has(inputs, '@aws-sdk/client-dynamodb')).toBe(true);
  });

  it('the search reads the indexes without the dossier service or the S3 client', async () => {
    const { inputs } = await bundleOf('dossiersSearch', LAMBDAS.dossiersSearch);
    expect(has(inputs, 'shared/adapters/dynamo/dossier-search-store.ts')).toBe(true);
    expect(has(inputs, 'shared/services/dossier-service.ts')).toBe(false);
    expect(has(inputs, '@aws-sdk/client-s3')).toBe(false);
  });

  it('the dossier reads sign their download links without the S3 client; the audit trail, which reads files, has it', async () => {
    const read = await bundleOf('dossiersRead', LAMBDAS.dossiersRead);
    expect(has(read.inputs, 'shared/adapters/s3-presign.ts')).toBe(true);
    expect(has(read.inputs, '@aws-sdk/client-s3')).toBe(false);
    expect(has(read.inputs, '@aws-sdk/s3-request-presigner')).toBe(false);
    const audit = await bundleOf('dossiersAudit', LAMBDAS.dossiersAudit);
    expect(has(audit.inputs, 'shared/adapters/s3-objects.ts')).toBe(true);
    expect(has(audit.inputs, '@aws-sdk/client-s3')).toBe(true);
  });

  it('the dossier reads and the audit trail carry no rule book, no sending and no dossier transaction; the actions do (issue 16)', async () => {
    const read = await bundleOf('dossiersRead', LAMBDAS.dossiersRead);
    const audit = await bundleOf('dossiersAudit', LAMBDAS.dossiersAudit);
    const act = await bundleOf('dossiersAct', LAMBDAS.dossiersAct);
    const decides = [
      'shared/services/dossier-service.ts',
      'shared/domain/circuits/transition.ts',
      'shared/services/pieces/sending.ts',
      'shared/adapters/dynamo/dossier-save.ts',
    ];
    for (const part of decides) {
      expect(has(read.inputs, part), part).toBe(false);
      expect(has(audit.inputs, part), part).toBe(false);
      expect(has(act.inputs, part), part).toBe(true);
    }
    expect(has(read.inputs, 'shared/services/dossier-reads.ts')).toBe(true);
    // The schemas are pure: a bundle keeps those its routes use (the actions' body, meta id ActionDossier, only in
    // the function that takes actions)
    expect(readFileSync(read.file, 'utf8')).not.toContain('ActionDossier');
    expect(readFileSync(act.file, 'utf8')).toContain('ActionDossier');
  });
});

describe('the OpenAPI function', () => {
  it('serves the document built at bundling from every operation, without loading the other handlers', async () => {
    const { file, inputs } = await bundleOf('apiOpenApi', LAMBDAS.apiOpenApi);
    expect(has(inputs, 'functions/dossiers/')).toBe(false);
    expect(has(inputs, 'functions/api/structures.ts')).toBe(false);

    const saved = process.env.AWS_LAMBDA_FUNCTION_NAME;
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'apiOpenApi'; // a bundle without its document would refuse to answer
    try {
      const { handler } = (await import(pathToFileURL(file).href)) as {
        handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
      };
      const response = await handler(
        {
          version: '2.0',
          routeKey: 'GET /v1/openapi.json',
          rawPath: '/v1/openapi.json',
          headers: {},
          requestContext: {
            requestId: 'req-openapi-1',
            routeKey: 'GET /v1/openapi.json',
            http: { method: 'GET', path: '/v1/openapi.json' },
          },
        },
        { awsRequestId: 'req-openapi-1', functionName: 'apiOpenApi' },
      );
      expect(response.statusCode).toBe(200);
      const served = JSON.parse(response.body) as { paths: Record<string, unknown> };
      // the whole document of this process (every handler loaded through functions/catalog.ts), not one operation
      expect(served).toEqual(openApiDocument());
      expect(Object.keys(served.paths)).toContain('/v1/dossiers/{dossierId}/actions');
    } finally {
      if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      else process.env.AWS_LAMBDA_FUNCTION_NAME = saved;
    }
  });
});
