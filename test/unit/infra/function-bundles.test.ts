import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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

interface Bundle {
  readonly file: string;
  /** The modules with code in the output (the metafile's `inputs` also lists what tree shaking dropped). */
  readonly inputs: string[];
  readonly bytes: number;
  /** Minified bytes each module left in the output. */
  readonly bytesOf: Readonly<Record<string, number>>;
}

const built = new Map<string, Promise<Bundle>>();

/** Each function bundled once per run, whichever test asks first. */
function bundleOf(key: string, def: LambdaDefinition): Promise<Bundle> {
  let bundle = built.get(key);
  if (!bundle) {
    bundle = bundle_(key, def);
    built.set(key, bundle);
  }
  return bundle;
}

async function bundle_(key: string, def: LambdaDefinition): Promise<Bundle> {
  const file = path.join(outDir, key, 'index.mjs');
  const result = await build(esbuildOptionsOf(path.resolve(def.entry), file, bundleDefine(def)));
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs).filter(([, use]) => use.bytesInOutput > 0);
  return {
    file,
    inputs: inputs.map(([input]) => input),
    bytes: statSync(file).size,
    bytesOf: Object.fromEntries(inputs.map(([input, use]) => [input, use.bytesInOutput])),
  };
}

const has = (inputs: string[], part: string) => inputs.some((input) => input.includes(part));

describe('what a function bundles: the services its routes use, nothing else', () => {
  it('the health check carries no rule book, no service and no S3 client', async () => {
    const { inputs } = await bundleOf('health', LAMBDAS.health);
    expect(has(inputs, 'shared/services/dossier-service.ts')).toBe(false);
    expect(has(inputs, 'shared/domain/circuits/transition.ts')).toBe(false);
    expect(has(inputs, 'shared/services/identity-service.ts')).toBe(false);
    expect(has(inputs, '@aws-sdk/client-s3')).toBe(false);
    // nor the stores the composition root imports, with the schemas and tables they build when loaded
    // (package.json's sideEffects: infra/constructs/bundling.ts)
    for (const part of ['shared/adapters/dynamo/marche-store.ts', 'shared/domain/marche.ts', 'csv-parse']) {
      expect(has(inputs, part), part).toBe(false);
    }
    // the control: the table client it does use is there
    expect(has(inputs, 'shared/adapters/dynamo/document-client.ts')).toBe(true);
  });

  it('the API functions, the workflow tasks and the workers talk to DynamoDB and Step Functions without the SDK clients (issue 16)', async () => {
    const functions = (Object.entries(LAMBDAS) as [string, LambdaDefinition][]).filter(
      ([, def]) => def.kind === 'http' || def.kind === 'task' || def.kind === 'worker',
    );
    for (const [key, def] of functions) {
      const { inputs } = await bundleOf(key, def);
      for (const sdk of ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-sfn']) {
        expect(has(inputs, sdk), `${key}: ${sdk}`).toBe(false);
      }
    }
    // the control: a deciding function sends its requests itself, the workflow's among them
    const act = await bundleOf('dossiersAct', LAMBDAS.dossiersAct);
    expect(has(act.inputs, 'shared/adapters/aws-json.ts')).toBe(true);
    expect(has(act.inputs, 'shared/adapters/workflow.ts')).toBe(true);
  }, 120_000);

  it('a function that holds no SDK client reads its credentials and hashes without the SDK: no @aws-sdk/core, no config loaders, no checksums (issue 16)', async () => {
    let withoutClient = 0;
    for (const [key, def] of Object.entries(LAMBDAS) as [string, LambdaDefinition][]) {
      const { inputs } = await bundleOf(key, def);
      if (has(inputs, '@aws-sdk/client-')) continue;
      withoutClient++;
      for (const part of [
        '@aws-sdk/core',
        '@aws-sdk/credential-provider-env',
        '@smithy/core/dist-es/submodules/config',
        // the SDK's SHA-256 (with its pure-JavaScript fallback): shared/adapters/sha256.ts hashes for the signer
        '@smithy/core/dist-es/submodules/checksum',
      ]) {
        expect(has(inputs, part), `${key}: ${part}`).toBe(false);
      }
    }
    // the control: most functions hold no SDK client (health, the dossier functions, the workflow tasks…)
    expect(withoutClient).toBeGreaterThan(20);
    // and one that holds one (Cognito's, to manage the technical accounts' clients) still has the SDK's core
    expect(has((await bundleOf('apiStructures', LAMBDAS.apiStructures)).inputs, '@aws-sdk/core')).toBe(true);
  }, 120_000);

  /** Fails naming each function whose minified bundle contains `text` (of `functions`, every function by default). */
  async function expectNoBundleContains(
    text: string,
    functions = Object.entries(LAMBDAS) as [string, LambdaDefinition][],
  ): Promise<void> {
    for (const [key, def] of functions) {
      const { file } = await bundleOf(key, def);
      expect(readFileSync(file, 'utf8').includes(text), key).toBe(false);
    }
  }

  it('no function loads node:stream/web when imported: only middy’s streamed responses, which none uses, need it (patches/@middy+core+6.4.5.patch; issue 16)', async () => {
    await expectNoBundleContains('stream/web');
    // the control: middy is in every API function
    expect(has((await bundleOf('health', LAMBDAS.health)).inputs, '@middy/core')).toBe(true);
  }, 120_000);

  it('no API function builds the Problem schemas, which only the OpenAPI document reads (issue 16)', async () => {
    // (the OpenAPI function carries the document itself, ids included, as text)
    const api = (Object.entries(LAMBDAS) as [string, LambdaDefinition][]).filter(
      ([, def]) => def.kind === 'http' && !def.embedsOpenApi,
    );
    expect(api.length).toBeGreaterThan(10);
    // the schemas' OpenAPI ids (shared/http/problem.ts)
    await expectNoBundleContains('ChampInvalide', api);
    // the control: every API function answers problems (shared/http/problem.ts is bundled)
    expect(has((await bundleOf('health', LAMBDAS.health)).inputs, 'shared/http/problem.ts')).toBe(true);
  }, 120_000);

  it('no function carries the seed of the ECB rate table: interest is computed from the table held in the database (issue 16)', async () => {
    // the seed's first rows (shared/domain/dgp/ecb-rates.ts), a date no other code names
    await expectNoBundleContains('2015-07-01');
    // the control: the functions that compute interest carry the module (its lookups)
    expect(has((await bundleOf('dossiersRead', LAMBDAS.dossiersRead)).inputs, 'shared/domain/dgp/ecb-rates.ts')).toBe(
      true,
    );
  }, 120_000);

  it('the functions that parse no action leave the action schema out: only the constants they take from its module (issue 16)', async () => {
    const module = 'shared/domain/circuits/actions.ts';
    // PIECE_ACTION_TYPES and isPieceAction: ~0.4 KB; with actionSchema the module leaves ~3 KB
    for (const key of ['dossiersRead', 'dossiersAudit', 'dossiersEvidence'] as const) {
      const { bytesOf } = await bundleOf(key, LAMBDAS[key]);
      expect(bytesOf[module] ?? 0, key).toBeLessThan(1024);
    }
    // the control: the function that takes actions parses them with it
    expect((await bundleOf('dossiersAct', LAMBDAS.dossiersAct)).bytesOf[module]).toBeGreaterThan(2048);
  });

  it('the search reads the indexes without the dossier service or the S3 client', async () => {
    const { inputs } = await bundleOf('dossiersSearch', LAMBDAS.dossiersSearch);
    expect(has(inputs, 'shared/adapters/dynamo/dossier-search-store.ts')).toBe(true);
    expect(has(inputs, 'shared/services/dossier-service.ts')).toBe(false);
    expect(has(inputs, '@aws-sdk/client-s3')).toBe(false);
  });

  it('the dossier reads sign their download links without the S3 client', async () => {
    const read = await bundleOf('dossiersRead', LAMBDAS.dossiersRead);
    expect(has(read.inputs, 'shared/adapters/s3-presign.ts')).toBe(true);
    expect(has(read.inputs, '@aws-sdk/client-s3')).toBe(false);
    expect(has(read.inputs, '@aws-sdk/s3-request-presigner')).toBe(false);
  });

  it('the functions that read or hide stored objects do it without the S3 client; the evidence worker, which uploads its ZIP, has it (issue 16)', async () => {
    for (const key of ['dossiersAudit', 'dossiersAct', 'dossiersPieces'] as const) {
      const { inputs } = await bundleOf(key, LAMBDAS[key]);
      expect(has(inputs, 'shared/adapters/s3-objects.ts'), key).toBe(true);
      expect(has(inputs, '@aws-sdk/client-s3'), key).toBe(false);
    }
    const worker = await bundleOf('dossiersEvidenceBuild', LAMBDAS.dossiersEvidenceBuild);
    expect(has(worker.inputs, '@aws-sdk/lib-storage')).toBe(true);
    expect(has(worker.inputs, '@aws-sdk/client-s3')).toBe(true);
  });

  it('the evidence API function hands the building to its worker: neither pdf-lib nor the S3 client, nor the worker’s module; the worker has them (issue 16)', async () => {
    const evidence = await bundleOf('dossiersEvidence', LAMBDAS.dossiersEvidence);
    const worker = await bundleOf('dossiersEvidenceBuild', LAMBDAS.dossiersEvidenceBuild);
    for (const part of [
      'pdf-lib',
      '@aws-sdk/client-s3',
      '@aws-sdk/lib-storage',
      'functions/dossiers/evidence-build.ts',
      // nor the piece reads' routes, built when their module loads (the certificate shares only piece-access.ts)
      'functions/dossiers/piece-reads.ts',
    ]) {
      expect(has(evidence.inputs, part), part).toBe(false);
    }
    for (const part of ['pdf-lib', 'shared/documents/evidence-pdf.ts', 'shared/services/evidence/pack.ts']) {
      expect(has(worker.inputs, part), part).toBe(true);
    }
    // the control: the API function invokes the worker by a signed request, and still authorizes the caller
    expect(has(evidence.inputs, 'shared/adapters/lambda-invoke.ts')).toBe(true);
    expect(has(evidence.inputs, 'shared/services/authorization.ts')).toBe(true);
  });

  it('the dossier reads, the audit trail and the evidence pack carry no rule book, no sending and no dossier transaction; the actions do (issue 16)', async () => {
    const read = await bundleOf('dossiersRead', LAMBDAS.dossiersRead);
    const audit = await bundleOf('dossiersAudit', LAMBDAS.dossiersAudit);
    const evidence = await bundleOf('dossiersEvidence', LAMBDAS.dossiersEvidence);
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
      expect(has(evidence.inputs, part), part).toBe(false);
      expect(has(act.inputs, part), part).toBe(true);
    }
    expect(has(read.inputs, 'shared/services/dossier-reads.ts')).toBe(true);
    // The schemas are pure: a bundle keeps those its routes use (the actions' body, meta id ActionDossier, only in
    // the function that takes actions)
    expect(readFileSync(read.file, 'utf8')).not.toContain('ActionDossier');
    expect(readFileSync(act.file, 'utf8')).toContain('ActionDossier');
  });
});

describe('the schemas a function carries are zod/mini (issue 16, docs/DESIGN.md#what-a-cold-start-pays)', () => {
  it('no function bundles zod classic, whose module and method-chained schemas cost ~6 ms per cold start', async () => {
    for (const [key, def] of Object.entries(LAMBDAS) as [string, LambdaDefinition][]) {
      const { inputs } = await bundleOf(key, def);
      expect(has(inputs, 'zod/v4/classic'), key).toBe(false);
    }
    // the control: the health check validates its answer's schema with zod/mini, and an API function its requests
    expect(has((await bundleOf('health', LAMBDAS.health)).inputs, 'zod/v4/mini')).toBe(true);
    expect(has((await bundleOf('dossiersAct', LAMBDAS.dossiersAct)).inputs, 'zod/v4/mini')).toBe(true);
  }, 120_000);
});

/** Issue 16's target for an API function's bundle (minified, no source map; `npm run bench -- bundles`). */
const API_BUNDLE_TARGET = 500 * 1024;

describe('bundle sizes (a size, not a timing: issue 16)', () => {
  const api = (Object.entries(LAMBDAS) as [string, LambdaDefinition][]).filter(([, def]) => def.kind === 'http');

  // one test per function: a failure names it, and each bundles one function only
  // Every one, the evidence function included since its worker builds the pack (it was 1,025 KB with pdf-lib and
  // the S3 client); a worker is no API function and has no target
  for (const [key, def] of api) {
    it(`${key} is within 500 KB`, async () => {
      const { bytes } = await bundleOf(key, def);
      expect(bytes, `${key}: ${(bytes / 1024).toFixed(1)} KB`).toBeLessThanOrEqual(API_BUNDLE_TARGET);
    });
  }

  it('covers the API functions, the evidence function among them', () => {
    expect(api.length).toBeGreaterThan(10);
    expect(api.map(([key]) => key)).toContain('dossiersEvidence');
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
