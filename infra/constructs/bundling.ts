import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiBundleDefine } from '../../functions/api/openapi-operation';
import { openApiDocument } from '../../functions/catalog';
import type { LambdaDefinition } from '../../functions/lambda-definition';

/**
 * How every Lambda function is bundled, declared once: the CDK construct (`functions.ts`) passes these options to
 * NodejsFunction, and `bench/bundles.ts` builds the same bundles with esbuild to measure their size and import time.
 */

/**
 * ESM for Node 22, minified; the pinned AWS SDK is bundled (no external modules) so the code runs what was tested.
 *
 * Tree shaking drops whole modules of ours: package.json's `sideEffects` lists the folders whose modules do something
 * when imported (infra, workflows, web, scripts, bench, test, and functions/registry.ts, which catalog.ts imports for
 * its handlers' registrations); every other module, shared/ and functions/, is declared free of import side effects,
 * so a module none of whose exports a function uses is left out with its top-level work. Without it a function
 * carried, and ran at cold start, the schemas and tables of every store the composition root
 * (shared/services/wiring.ts) imports: the health check built the marché's and the circuits' zod schemas and parsed
 * nothing with them (211 → 172 KB, import 39.5 → 27.4 ms; docs/DESIGN.md#what-a-cold-start-pays). A module of
 * shared/ or functions/ must therefore not rely on being imported for its effect alone.
 */
export const LAMBDA_BUNDLE = {
  format: 'esm',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  externalModules: [] as string[],
  /**
   * The SDK's default credential chain replaced by the environment one (`infra/lambda/env-credentials.ts`): on Lambda
   * the role's credentials are in the environment, and the full chain weighs ~134 KB per function.
   */
  alias: {
    '@aws-sdk/credential-provider-node': path.join(
      path.dirname(fileURLToPath(import.meta.url)),
      '..',
      'lambda',
      'env-credentials.ts',
    ),
  } as Readonly<Record<string, string>>,
  /** CommonJS dependencies call `require`; an ESM bundle must provide it. */
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} as const;

/**
 * The same bundle as the stack's, as esbuild options, with its metafile: `bench/bundles.ts` and the bundle tests
 * build it directly to measure and inspect what a function holds.
 */
export function esbuildOptionsOf(entry: string, outfile: string, define: Record<string, string>) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node' as const,
    format: LAMBDA_BUNDLE.format,
    target: LAMBDA_BUNDLE.target,
    minify: LAMBDA_BUNDLE.minify,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    external: [...LAMBDA_BUNDLE.externalModules],
    banner: { js: LAMBDA_BUNDLE.banner },
    alias: { ...LAMBDA_BUNDLE.alias },
    define,
    metafile: true as const,
    logLevel: 'silent' as const,
  };
}

/**
 * Source maps make stack traces readable but weigh several times the code and slow the cold start
 * (`--enable-source-maps`). Off by default; `SOURCE_MAPS=true` at synth (or the `sourceMaps` prop) turns them on.
 */
export function sourceMapsWanted(prop: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return prop ?? env.SOURCE_MAPS === 'true';
}

/**
 * What esbuild replaces in a function's bundle: for the OpenAPI function, the document built now from every
 * operation's declaration (this process has loaded every handler), so that the function serves it without loading
 * them (functions/api/openapi-operation.ts).
 */
export function bundleDefine(def: Pick<LambdaDefinition, 'embedsOpenApi'>): Record<string, string> {
  return def.embedsOpenApi ? openApiBundleDefine(openApiDocument()) : {};
}
