/**
 * The credential chain of a bundled Lambda function: the environment variables the Lambda runtime sets for the
 * function's role (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), and nothing else.
 *
 * The SDK's default chain (`@aws-sdk/credential-provider-node`) also knows profiles, SSO, the EC2 instance metadata,
 * the container endpoint, web identity and the login provider; a Lambda function uses none of them, yet bundling the
 * chain adds ~134 KB (the STS/SSO clients) to every function and to its cold start (`npm run bench -- bundles`).
 * `bundling.ts` aliases the default chain to this module when it bundles for AWS; the embedded platform and the tests
 * run unbundled and keep the SDK's own chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same shape as the SDK's `defaultProvider(init)`: returns the provider the client memoizes and calls when signing. */
export const defaultProvider = (_init?: unknown) => fromEnv();
