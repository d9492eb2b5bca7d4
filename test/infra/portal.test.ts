import { runInNewContext } from 'node:vm';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalContentSecurityPolicy, SPA_REWRITE_FUNCTION } from '../../infra/constructs/portal-edge';
import type { FacturesTravauxStack } from '../../infra/stack';
import { cleanupApps, makeFixtureStack, makePortalDist } from './helpers';

type Resource = { Type: string; Properties: Record<string, unknown> };

// Managed policies of CloudFront (fixed ids documented by AWS).
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

afterAll(cleanupApps);

const logicalId = (stack: FacturesTravauxStack, c: { node: { defaultChild?: unknown } } | undefined) =>
  stack.getLogicalId(c?.node.defaultChild as never);

/** Runs the CloudFront Function's code on a viewer request for `uri`; returns the URI it forwards. */
function rewrite(uri: string): string {
  const sandbox: { result?: { uri: string } } = {};
  runInNewContext(`${SPA_REWRITE_FUNCTION}\nresult = handler({ request: { uri: ${JSON.stringify(uri)} } });`, sandbox);
  return sandbox.result?.uri ?? '';
}

describe('Portal: the single-page application rewrite (CloudFront Function)', () => {
  it('answers application routes with /index.html and lets files through', () => {
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/dossiers/D-2026-0001')).toBe('/index.html');
    expect(rewrite('/connexion/retour')).toBe('/index.html');
    expect(rewrite('/assets/index-3f2a.js')).toBe('/assets/index-3f2a.js');
    expect(rewrite('/config.json')).toBe('/config.json');
    // A dot in a directory name does not make a file: only the last segment counts.
    expect(rewrite('/marches/2026.01/fiche')).toBe('/index.html');
  });
});

describe('Portal on AWS: the distribution, with the Cognito user pool', () => {
  let stack: FacturesTravauxStack;
  let template: Template;
  beforeAll(() => {
    stack = makeFixtureStack({ portal: { assetsDir: makePortalDist() } });
    template = Template.fromStack(stack);
  });

  it('keeps the site in a private, encrypted bucket that only this distribution reads (origin access control)', () => {
    const siteId = logicalId(stack, stack.portal.bucket);
    const distId = logicalId(stack, stack.portal.distribution);
    const site = template.findResources('AWS::S3::Bucket')[siteId] as Resource;
    expect(site.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    expect(site.Properties.WebsiteConfiguration).toBeUndefined();
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
    // The bucket policy grants reads to the CloudFront service for this distribution only.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: siteId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: {
              StringEquals: {
                'AWS:SourceArn': Match.objectLike({
                  'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':distribution/'), { Ref: distId }])],
                }),
              },
            },
          }),
        ]),
      },
    });
    const origins = (template.findResources('AWS::CloudFront::Distribution')[distId] as Resource).Properties
      .DistributionConfig as {
      Origins: { S3OriginConfig?: { OriginAccessIdentity: string }; OriginAccessControlId?: unknown }[];
    };
    const s3Origin = origins.Origins.find((o) => o.S3OriginConfig);
    expect(s3Origin?.S3OriginConfig?.OriginAccessIdentity).toBe('');
    expect(s3Origin?.OriginAccessControlId).toBeDefined();
  });

  it('serves the application over HTTPS with the rewrite, and routes /v1/* to the HTTP API uncached', () => {
    const apiId = logicalId(stack, stack.api.httpApi);
    const fnArn = { 'Fn::GetAtt': [logicalId(stack, stack.portal.spaRewrite), 'FunctionARN'] };
    const headersId = { Ref: logicalId(stack, stack.portal.headers) };
    template.hasResourceProperties('AWS::CloudFront::Function', {
      AutoPublish: true,
      FunctionCode: SPA_REWRITE_FUNCTION,
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Logging: Match.objectLike({ Prefix: 'cdn/' }),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          CachePolicyId: CACHING_OPTIMIZED,
          ResponseHeadersPolicyId: headersId,
          FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: fnArn }],
        }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/v1/*',
            ViewerProtocolPolicy: 'https-only',
            AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
            CachePolicyId: CACHING_DISABLED,
            OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
            ResponseHeadersPolicyId: headersId,
          }),
        ],
        // No distribution-wide error rewrite: it would turn the API's own 403/404 problems into index.html.
        CustomErrorResponses: Match.absent(),
      }),
    });
    // The API origin is the host of the HTTP API's endpoint, over TLS 1.2.
    const dist = template.findResources('AWS::CloudFront::Distribution')[logicalId(stack, stack.portal.distribution)];
    const apiOrigin = (
      (dist as Resource).Properties.DistributionConfig as {
        Origins: { DomainName: unknown; CustomOriginConfig?: unknown }[];
      }
    ).Origins.find((o) => o.CustomOriginConfig);
    expect(apiOrigin?.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(JSON.stringify(apiOrigin?.DomainName)).toContain(`"${apiId}"`);
    expect(JSON.stringify(apiOrigin?.DomainName)).toContain('"Fn::Select":[2');
  });

  it('sets a strict CSP that still allows uploads to the documents bucket, HSTS, no framing, nosniff', () => {
    const policy = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0] as Resource;
    const config = policy.Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
    };
    const headers = config.SecurityHeadersConfig;
    // 730 days × 86 400 s = 63 072 000 s (two years).
    expect(headers.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true });
    expect(headers.ContentSecurityPolicy?.Override).toBe(true);
    const csp = JSON.stringify(headers.ContentSecurityPolicy?.ContentSecurityPolicy);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self';",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'self'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    // connect-src and form-action name the documents bucket's regional endpoint (presigned POST uploads).
    const documents = logicalId(stack, stack.storage.bucket);
    expect(csp).toContain(`connect-src 'self' https://",{"Fn::GetAtt":["${documents}","RegionalDomainName"]}`);
    expect(csp).toContain(`form-action 'self' https://",{"Fn::GetAtt":["${documents}","RegionalDomainName"]}`);
    // … and the user pool's issuer and managed login domain (discovery, token endpoint).
    expect(csp).toContain('https://cognito-idp.');
  });

  it('signs in with a public Cognito client: authorization code (PKCE), managed login, callback on the portal', () => {
    const distId = logicalId(stack, stack.portal.distribution);
    const clientId = logicalId(stack, stack.portal.client);
    const poolId = logicalId(stack, stack.api.userPool);
    const portalUrl = (path: string) => ({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distId, 'DomainName'] }, path]],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: poolId },
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: [portalUrl('/connexion/retour')],
      LogoutURLs: [portalUrl('/connexion')],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: { Ref: poolId },
      ManagedLoginVersion: 2,
    });
    template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      UserPoolId: { Ref: poolId },
      ClientId: { Ref: clientId },
      UseCognitoProvidedValues: true,
    });
  });

  it('deploys config.json (issuer, client id) beside the application, assets immutable, pages revalidated', () => {
    const config = stack.resolve(stack.portal.config);
    expect(config).toMatchObject({
      auth: {
        mode: 'oidc',
        authority: { 'Fn::GetAtt': [logicalId(stack, stack.api.userPool), 'ProviderURL'] },
        clientId: { Ref: logicalId(stack, stack.portal.client) },
        scope: 'openid email profile',
      },
    });
    expect(JSON.stringify(config.auth.logoutEndpoint)).toContain('/logout');
    const siteRef = { Ref: logicalId(stack, stack.portal.bucket) };
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment')).map(
      (r) => (r as Resource).Properties,
    );
    expect(deployments).toHaveLength(2);
    for (const d of deployments) {
      expect(d.DestinationBucketName).toEqual(siteRef);
      expect(d.Prune).toBe(false);
    }
    const assets = deployments.find((d) => JSON.stringify(d.Include) === '["assets/*"]');
    expect(assets?.SystemMetadata).toEqual({ 'cache-control': 'public, max-age=31536000, immutable' });
    const pages = deployments.find((d) => d !== assets);
    expect(pages?.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
    // Two sources: the built pages and config.json, whose deploy-time values (client id, issuer) are markers.
    expect(pages?.SourceObjectKeys).toHaveLength(2);
    expect(JSON.stringify(pages?.SourceMarkers)).toContain(`"Ref":"${logicalId(stack, stack.portal.client)}"`);
  });
});

describe('Portal on AWS: behind an external OIDC issuer, on its own domain', () => {
  it('uses the issuer and the given public client, names the issuer in the CSP, and serves the own domain in TLS 1.2', () => {
    const stack = makeFixtureStack({
      auth: { issuer: 'https://login.example.fr/realms/factures', audience: ['factures-api', 'factures-portail'] },
      portal: {
        clientId: 'factures-portail',
        domain: {
          names: ['factures.example.fr'],
          certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/0a1b2c3d-0000-4000-8000-000000000000',
        },
      },
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    expect(stack.resolve(stack.portal.config)).toEqual({
      auth: {
        mode: 'oidc',
        authority: 'https://login.example.fr/realms/factures',
        clientId: 'factures-portail',
        scope: 'openid email profile',
      },
    });
    expect(stack.portal.url).toBe('https://factures.example.fr');
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['factures.example.fr'],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
      }),
    });
    const policy = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0] as Resource;
    expect(JSON.stringify(policy.Properties)).toContain('https://login.example.fr');
    // Without a portal client, the first accepted audience is the portal's.
    const plain = makeFixtureStack({ auth: { issuer: 'https://login.example.fr', audience: ['web'] } });
    expect(plain.resolve(plain.portal.config).auth.clientId).toBe('web');
  });

  it('builds the same Content-Security-Policy as the local gateway when no other origin is named', () => {
    expect(portalContentSecurityPolicy()).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
    );
  });
});
