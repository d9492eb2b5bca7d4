import { describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLE, sourceMapsWanted } from '../../../infra/constructs/bundling';

describe('source maps of the Lambda bundles', () => {
  it('are off unless asked for', () => {
    expect(sourceMapsWanted(undefined, {})).toBe(false);
    expect(sourceMapsWanted(undefined, { SOURCE_MAPS: 'yes' })).toBe(false); // only the exact word "true"
  });
  it('are on with SOURCE_MAPS=true, and the construct prop wins over the environment', () => {
    expect(sourceMapsWanted(undefined, { SOURCE_MAPS: 'true' })).toBe(true);
    expect(sourceMapsWanted(false, { SOURCE_MAPS: 'true' })).toBe(false);
    expect(sourceMapsWanted(true, {})).toBe(true);
  });
});

describe('the credential chain of a bundled function', () => {
  it('reads the role credentials the Lambda runtime puts in the environment', async () => {
    const { defaultProvider } = await import('../../../infra/lambda/env-credentials');
    const saved = { ...process.env };
    try {
      process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE';
      process.env.AWS_SECRET_ACCESS_KEY = 'secret';
      process.env.AWS_SESSION_TOKEN = 'session';
      const credentials = await defaultProvider({})();
      expect(credentials).toMatchObject({
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'secret',
        sessionToken: 'session',
      });
      delete process.env.AWS_ACCESS_KEY_ID;
      await expect(defaultProvider({})()).rejects.toThrow(/environment/i);
    } finally {
      process.env = saved;
    }
  });

  it('replaces the SDK default chain in the bundle: no SSO, profile or STS client is bundled', async () => {
    const { build } = await import('esbuild');
    const bundleOf = async (alias: Record<string, string>) => {
      const result = await build({
        stdin: {
          contents:
            "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; export const client = new DynamoDBClient({});",
          resolveDir: process.cwd(),
          loader: 'ts',
        },
        bundle: true,
        write: false,
        platform: 'node',
        format: LAMBDA_BUNDLE.format,
        target: LAMBDA_BUNDLE.target,
        metafile: true,
        alias,
        logLevel: 'silent',
      });
      return Object.keys(result.metafile.inputs);
    };
    const chainPackages = /@aws-sdk\/(credential-provider-(sso|ini|node|process|web-identity|login)|nested-clients)\//;
    // Without the alias the default chain is there (the control: the pattern does match something)
    expect((await bundleOf({})).some((input) => chainPackages.test(input))).toBe(true);
    const inputs = await bundleOf({ ...LAMBDA_BUNDLE.alias });
    expect(inputs.filter((input) => chainPackages.test(input))).toEqual([]);
    expect(inputs.some((input) => input.endsWith('infra/lambda/env-credentials.ts'))).toBe(true);
  }, 60_000);
});
