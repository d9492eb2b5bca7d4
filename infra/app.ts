import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPortal, DIST_DIR } from './local/portal/build';
import { FacturesTravauxStack } from './stack';

/**
 * `npm run synth` / `cdk deploy`: the stack, checked by cdk-nag (AwsSolutions) through the Validations API.
 *
 * Configuration (environment):
 * - JWT_ISSUER, JWT_AUDIENCE (comma-separated): an external OIDC issuer in place of the Cognito user pool;
 * - UPLOAD_ORIGINS, API_ORIGINS (comma-separated): browser origins for document uploads and for the API;
 * - ALERT_EMAIL: an address subscribed to the operator's alerts (SNS topic of the alarms);
 * - ECB_API_URL: the ECB Data Portal API address read by the scheduled fetch of the ECB rates;
 * - PORTAL_CLIENT_ID: the portal's public client at the external issuer (default: the first JWT_AUDIENCE);
 * - PORTAL_DOMAIN_NAMES (comma-separated) and PORTAL_CERTIFICATE_ARN (ACM, us-east-1): the portal's own domain;
 * - PORTAL_WEB_ACL_ID: an AWS WAF web ACL (global scope) for the distribution;
 * - PORTAL_LOGIN_DOMAIN_PREFIX: prefix of the Cognito managed login domain (default: stack name and account);
 * - CDK context `production=false` (`cdk synth -c production=false`): a throw-away development stack;
 * - CDK context `keepLegacyIndex=true`: keep the index GSI1 replaced, the first of the two deployments that move an
 *   existing table onto the current index projections (docs/DESIGN.md#the-table).
 */
const list = (value: string | undefined): string[] | undefined => {
  const items = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
};

// The portal is deployed from web/dist: build it first when its sources changed.
await buildPortal({ log: (m) => console.error(m) });

const app = new App();
const production = String(app.node.tryGetContext('production') ?? 'true') !== 'false';
new FacturesTravauxStack(app, 'FacturesTravaux', {
  // Explicit account and region: synthesis needs no credentials and makes no lookups.
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111',
    region: process.env.CDK_DEFAULT_REGION ?? 'eu-west-3',
  },
  production,
  terminationProtection: production,
  keepLegacyIndex: String(app.node.tryGetContext('keepLegacyIndex') ?? 'false') === 'true',
  auth: process.env.JWT_ISSUER
    ? { issuer: process.env.JWT_ISSUER, audience: list(process.env.JWT_AUDIENCE) ?? [] }
    : undefined,
  uploadOrigins: list(process.env.UPLOAD_ORIGINS),
  apiOrigins: list(process.env.API_ORIGINS),
  alertEmail: process.env.ALERT_EMAIL || undefined,
  ecbApiUrl: process.env.ECB_API_URL || undefined,
  portal: {
    assetsDir: DIST_DIR,
    clientId: process.env.PORTAL_CLIENT_ID || undefined,
    domain:
      list(process.env.PORTAL_DOMAIN_NAMES) && process.env.PORTAL_CERTIFICATE_ARN
        ? { names: list(process.env.PORTAL_DOMAIN_NAMES) ?? [], certificateArn: process.env.PORTAL_CERTIFICATE_ARN }
        : undefined,
    webAclId: process.env.PORTAL_WEB_ACL_ID || undefined,
    loginDomainPrefix: process.env.PORTAL_LOGIN_DOMAIN_PREFIX || undefined,
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
