import { CfnOutput, DefaultStackSynthesizer, Duration, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { Api } from './api';
import { acknowledgeNag } from './nag';
import { portalContentSecurityPolicy, SPA_REWRITE_FUNCTION } from './portal-edge';
import type { Storage } from './storage';

/** Where the portal's users come back after signing in and out (routes of the application). */
export const CALLBACK_PATH = '/connexion/retour';
export const SIGNED_OUT_PATH = '/connexion';

export interface PortalProps {
  readonly api: Api;
  readonly storage: Storage;
  /**
   * The built portal (`web/dist`, `npm run build:web`). Without it only `config.json` is deployed (the template
   * tests build the stack that way).
   */
  readonly assetsDir?: string;
  /**
   * The portal's public OIDC client at the external issuer, when the API trusts one (`ApiProps.auth`); default: the
   * first accepted audience. With the Cognito user pool, the client is created here.
   */
  readonly clientId?: string;
  /** Origins the portal calls besides its own, the documents bucket and the issuer (e.g. an external token endpoint). */
  readonly extraConnectOrigins?: string[];
  /** Prefix of the Cognito managed login domain (`<prefix>.auth.<region>.amazoncognito.com`); default: stack name and account. */
  readonly loginDomainPrefix?: string;
  /** Own domain names, with an ACM certificate of us-east-1 covering them (default: the CloudFront domain only). */
  readonly domain?: { readonly names: string[]; readonly certificateArn: string };
  /** An AWS WAF web ACL (global scope) to attach to the distribution. */
  readonly webAclId?: string;
  /** What happens to the bucket and its logs when the stack is deleted (default: RETAIN). */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The portal on AWS: the single-page application in a private bucket read by CloudFront alone (origin access
 * control), the API on the same domain under `/v1/*`, security headers on every answer, and sign-in by OIDC
 * authorization code with PKCE against the Cognito managed login (or the configured issuer). `config.json`, beside
 * the application, tells it the issuer and its client id.
 */
export class Portal extends Construct {
  readonly bucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;
  readonly spaRewrite: cloudfront.Function;
  readonly client?: cognito.UserPoolClient;
  readonly loginDomain?: cognito.UserPoolDomain;
  /** `https://…` of the portal (the first own domain name, else the CloudFront domain). */
  readonly url: string;
  /** What `config.json` holds. */
  readonly config: {
    auth: { mode: 'oidc'; authority: string; clientId: string; scope: string; logoutEndpoint?: string };
  };

  constructor(scope: Construct, id: string, props: PortalProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: props.storage.accessLogsBucket,
      serverAccessLogsPrefix: 'portal-site/',
      removalPolicy,
    });
    // CloudFront standard logs are written with an ACL grant: a bucket of their own, with ACLs, private.
    this.logsBucket = new s3.Bucket(this, 'CdnLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      serverAccessLogsBucket: props.storage.accessLogsBucket,
      serverAccessLogsPrefix: 'portal-cdn-logs/',
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy,
    });

    // Sign-in: the Cognito user pool's managed login (a public client, code + PKCE), or the external issuer.
    const pool = props.api.userPool;
    let authority: string;
    let clientId: string | undefined;
    const issuerOrigins: string[] = [];
    if (pool) {
      this.loginDomain = pool.addDomain('Login', {
        cognitoDomain: {
          domainPrefix: props.loginDomainPrefix ?? `${stack.stackName.toLowerCase()}-${stack.account}`,
        },
        managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
      });
      authority = pool.userPoolProviderUrl;
      issuerOrigins.push(`https://cognito-idp.${stack.region}.${stack.urlSuffix}`, this.loginDomain.baseUrl());
    } else {
      const auth = props.api.auth;
      const external = props.clientId ?? auth?.audience[0];
      if (!auth || !external) throw new Error('Portal: the API has neither a user pool nor an external issuer client');
      authority = auth.issuer;
      clientId = external;
      issuerOrigins.push(new URL(auth.issuer).origin);
    }

    const documentsOrigin = `https://${props.storage.bucket.bucketRegionalDomainName}`;
    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Factures de travaux: CSP, HSTS, no framing, nosniff',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: portalContentSecurityPolicy({
            connect: [documentsOrigin, ...issuerOrigins, ...(props.extraConnectOrigins ?? [])],
            formAction: [documentsOrigin],
          }),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true },
        ],
      },
    });

    this.spaRewrite = new cloudfront.Function(this, 'SpaRewrite', {
      code: cloudfront.FunctionCode.fromInline(SPA_REWRITE_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Portal routes without a file extension are answered with /index.html',
    });

    // The HTTP API's host, from its endpoint `https://<id>.execute-api.<region>.amazonaws.com`.
    const apiHost = Fn.select(2, Fn.split('/', props.api.httpApi.apiEndpoint));
    const certificate = props.domain
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn)
      : undefined;
    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'Factures de travaux: portal and API',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      // Only with an own certificate: the default *.cloudfront.net one has a security policy CloudFront fixes.
      minimumProtocolVersion: certificate ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      domainNames: props.domain?.names,
      certificate,
      webAclId: props.webAclId,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cdn/',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
        functionAssociations: [{ function: this.spaRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: new origins.HttpOrigin(apiHost, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // Authorization, If-Match, Idempotency-Key, X-Structure-Siret and the query string reach the API; the
          // Host header is the API's own (API Gateway routes on it).
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
          compress: true,
        },
      },
    });
    const hosts = props.domain?.names.length ? props.domain.names : [this.distribution.distributionDomainName];
    this.url = `https://${hosts[0]}`;

    if (pool && this.loginDomain) {
      this.client = pool.addClient('Portal', {
        generateSecret: false,
        authFlows: { user: false, userSrp: false, custom: false, adminUserPassword: false },
        oAuth: {
          flows: { authorizationCodeGrant: true },
          scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
          callbackUrls: hosts.map((h) => `https://${h}${CALLBACK_PATH}`),
          logoutUrls: hosts.map((h) => `https://${h}${SIGNED_OUT_PATH}`),
        },
        supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.hours(8),
      });
      clientId = this.client.userPoolClientId;
      props.api.allowAudience(clientId);
      // Managed login (v2) shows a client's pages only once it has a branding: Cognito's own style.
      new cognito.CfnManagedLoginBranding(this, 'LoginBranding', {
        userPoolId: pool.userPoolId,
        clientId,
        useCognitoProvidedValues: true,
      });
    }
    if (!clientId) throw new Error('Portal: no OIDC client');
    this.config = {
      auth: {
        mode: 'oidc',
        authority,
        clientId,
        scope: 'openid email profile',
        logoutEndpoint: this.loginDomain ? `${this.loginDomain.baseUrl()}/logout` : undefined,
      },
    };

    // The application's files: content-hashed assets are immutable, the rest (index.html, config.json) revalidated.
    const deployment = (id: string, sources: s3deploy.ISource[], options: Partial<s3deploy.BucketDeploymentProps>) =>
      new s3deploy.BucketDeployment(this, id, {
        sources,
        destinationBucket: this.bucket,
        prune: false,
        memoryLimit: 256,
        ...options,
      });
    if (props.assetsDir) {
      deployment('Assets', [s3deploy.Source.asset(props.assetsDir, { exclude: ['.build-stamp'] })], {
        exclude: ['*'],
        include: ['assets/*'],
        cacheControl: [s3deploy.CacheControl.fromString('public, max-age=31536000, immutable')],
      });
    }
    const pages = props.assetsDir
      ? [s3deploy.Source.asset(props.assetsDir, { exclude: ['assets/**', '.build-stamp'] })]
      : [];
    deployment('Pages', [...pages, s3deploy.Source.jsonData('config.json', this.config)], {
      cacheControl: [s3deploy.CacheControl.fromString('no-cache')],
    });

    this.acknowledgeDeploymentHandler();

    acknowledgeNag(
      this.distribution,
      'CFR1',
      'The portal serves French public buyers and their contractors, who may work from anywhere: no geographic restriction.',
    );
    if (!props.webAclId) {
      acknowledgeNag(
        this.distribution,
        'CFR2',
        'No WAF by default (cost of a web ACL per deployment); the API is throttled and authenticated, the site is static. Pass webAclId to attach one.',
      );
    }
    if (!props.domain) {
      acknowledgeNag(
        this.distribution,
        'CFR4',
        'Without an own domain the distribution uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes; with `domain` the policy is TLSv1.2_2021.',
      );
    }

    new CfnOutput(this, 'Url', { value: this.url, description: 'Le portail' });
    if (this.loginDomain) new CfnOutput(this, 'LoginDomain', { value: this.loginDomain.baseUrl() });
  }

  /** The deployments' handler is CDK's own singleton function (it copies the files at deploy time). */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) return;
    const why = 'CDK-provided BucketDeployment handler that copies the portal files into its bucket at deploy time';
    acknowledgeNag(handler, 'L1', `${why}; its runtime is chosen by aws-cdk-lib.`);
    acknowledgeNag(
      handler,
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      `${why}; its role and managed logging policy are set by aws-cdk-lib.`,
    );
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const findings = [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*`,
      `Resource::arn:<AWS::Partition>:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${account}-${region}/*`,
    ];
    for (const finding of findings) {
      acknowledgeNag(
        handler,
        `IAM5[${finding}]`,
        `${why}: the grants aws-cdk-lib gives it, limited to the CDK assets bucket (read) and the portal bucket (write).`,
      );
    }
  }
}
