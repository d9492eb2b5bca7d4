import { CfnOutput, Duration, Lazy, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpJwtAuthorizer,
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Functions } from './functions';
import { acknowledgeNag } from './nag';

/** An external OpenID Connect issuer in place of the default Cognito user pool. */
export interface JwtAuthConfig {
  /** Issuer URL (`iss` claim), HTTPS; its `/.well-known/openid-configuration` must be reachable by API Gateway. */
  readonly issuer: string;
  /** Accepted `aud` (or `client_id`) values; at least one. */
  readonly audience: string[];
}

export interface ApiThrottle {
  /** Steady-state requests per second, for the whole stage. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** The public liveness route; its function also answers the `$default` route (no route matched). */
const HEALTH_PATH = '/health';

export const DEFAULT_THROTTLE: ApiThrottle = { rateLimit: 50, burstLimit: 100 };

export interface ApiProps {
  readonly functions: Functions;
  /** Any OIDC issuer; by default a Cognito user pool is created. */
  readonly auth?: JwtAuthConfig;
  /** Browser origins allowed by CORS (default: any; requests still need a valid bearer token). */
  readonly corsOrigins?: string[];
  /** Default route throttling of the `$default` stage (default: 50 rps, burst 100). */
  readonly throttle?: ApiThrottle;
  /** Retention of the access log group (default: one year). */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the access logs and the user pool when the stack is deleted (default: RETAIN). */
  readonly removalPolicy?: RemovalPolicy;
  /** Cognito user pool deletion protection (default: true). */
  readonly deletionProtection?: boolean;
  /**
   * Prefix of the user pool's Cognito domain, where the technical accounts ask for their tokens (unique in the
   * region; default: derived from the construct's path).
   */
  readonly tokenDomainPrefix?: string;
}

/** The resource server of the technical accounts' one scope (`factures-travaux-api/api`). */
export const TECHNICAL_RESOURCE_SERVER = 'factures-travaux-api';
export const TECHNICAL_SCOPE_NAME = 'api';

/**
 * How long API Gateway keeps the Lambda authorizer's answer for one `Authorization` header: a technical account
 * that passes its 424 days or a structure deactivated is refused at most this long after (the functions check the
 * account at each request anyway).
 */
export const AUTHORIZER_CACHE_SECONDS = 300;

/**
 * The HTTP API: one route per registry route, an authorizer on every non-public route, CORS, throttling and JSON
 * access logs on the `$default` stage. Tokens come from a Cognito user pool (created here, MFA required), checked by
 * the product's Lambda authorizer (people's tokens and the technical accounts' client credentials tokens,
 * docs/rules/structures.md#technical-account), or, by configuration, from any OpenID Connect issuer, checked by a JWT
 * authorizer.
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;
  /** Where the technical accounts' clients get their tokens (client credentials), with the user pool. */
  readonly tokenDomain?: cognito.UserPoolDomain;
  /** The Lambda authorizer with the user pool; the JWT authorizer with an external issuer. */
  readonly authorizer: HttpLambdaAuthorizer | HttpJwtAuthorizer;
  readonly accessLogs: logs.LogGroup;
  /** The external issuer, when one replaces the user pool. */
  readonly auth?: JwtAuthConfig;
  private readonly audiences: string[] = [];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    let issuer: string;
    let audience: string[];
    if (props.auth) {
      this.auth = props.auth;
      ({ issuer, audience } = props.auth);
      if (!/^https:\/\/\S+$/.test(issuer)) throw new Error(`JWT issuer must be an https URL, got "${issuer}"`);
      if (audience.length === 0) throw new Error('JWT audience must list at least one value (JWT_AUDIENCE)');
    } else {
      this.userPool = new cognito.UserPool(this, 'Users', {
        signInAliases: { email: true },
        signInCaseSensitive: false,
        selfSignUpEnabled: false,
        accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
        passwordPolicy: {
          minLength: 12,
          requireDigits: true,
          requireLowercase: true,
          requireUppercase: true,
          requireSymbols: true,
          tempPasswordValidity: Duration.days(3),
        },
        // Accounts are created by an administrator; the messages users receive are in French.
        userInvitation: {
          emailSubject: 'Votre accès à Factures de travaux',
          emailBody:
            'Bonjour, un compte a été créé pour vous. Identifiant : {username}. Mot de passe provisoire : {####} (à changer à la première connexion).',
        },
        userVerification: {
          emailSubject: 'Vérification de votre adresse électronique',
          emailBody: 'Votre code de vérification est {####}.',
          emailStyle: cognito.VerificationEmailStyle.CODE,
        },
        mfa: cognito.Mfa.REQUIRED,
        mfaSecondFactor: { otp: true, sms: false },
        featurePlan: cognito.FeaturePlan.PLUS,
        standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
        deletionProtection: props.deletionProtection ?? true,
        removalPolicy,
      });
      this.userPoolClient = this.userPool.addClient('Web', {
        authFlows: { userSrp: true },
        disableOAuth: true,
        preventUserExistenceErrors: true,
        generateSecret: false,
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.days(1),
      });
      issuer = this.userPool.userPoolProviderUrl;
      audience = [this.userPoolClient.userPoolClientId];
      this.tokenDomain = this.technicalClients(this.userPool, props);
    }
    this.audiences.push(...audience);
    // The audiences are resolved at synthesis, so that clients created later (the portal's) are accepted too.
    this.authorizer = this.userPool
      ? this.lambdaAuthorizer(this.userPool, props)
      : new HttpJwtAuthorizer('Jwt', issuer, { jwtAudience: Lazy.list({ produce: () => [...this.audiences] }) });

    this.httpApi = new apigw.HttpApi(this, 'Http', {
      description: 'Factures de travaux (CCAG Travaux)',
      corsPreflight: {
        allowOrigins: props.corsOrigins?.length ? props.corsOrigins : ['*'],
        allowMethods: [apigw.CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match'],
        exposeHeaders: ['etag', 'location'],
        maxAge: Duration.hours(1),
      },
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });
    const throttle = props.throttle ?? DEFAULT_THROTTLE;
    // The L2 HttpApi has no options for its default stage: set them on the stage resource it creates.
    const stage = this.httpApi.defaultStage?.node.defaultChild as apigw.CfnStage;
    stage.accessLogSettings = {
      destinationArn: this.accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        requestTime: '$context.requestTime',
        method: '$context.httpMethod',
        routeKey: '$context.routeKey',
        path: '$context.path',
        status: '$context.status',
        protocol: '$context.protocol',
        responseLength: '$context.responseLength',
        latencyMs: '$context.responseLatency',
        sub: '$context.authorizer.claims.sub',
        user: '$context.authorizer.userId',
        authorizerError: '$context.authorizer.error',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
    stage.defaultRouteSettings = {
      throttlingRateLimit: throttle.rateLimit,
      throttlingBurstLimit: throttle.burstLimit,
      detailedMetricsEnabled: true,
    };

    let fallback: { key: string; integration: HttpLambdaIntegration } | undefined;
    for (const [key, fn] of props.functions.entries()) {
      const def = props.functions.definition(key);
      if (def.kind !== 'http') continue;
      const integration = new HttpLambdaIntegration(`${key}Integration`, fn);
      if (def.routes?.some((r) => r.method === 'GET' && r.path === HEALTH_PATH)) fallback = { key, integration };
      for (const route of def.routes ?? []) {
        const [created] = this.httpApi.addRoutes({
          path: route.path,
          methods: [apigw.HttpMethod[route.method]],
          integration,
          authorizer: route.public ? undefined : this.authorizer,
        });
        if (route.public && created) {
          acknowledgeNag(
            created,
            'APIG4',
            `${route.method} ${route.path} is public by its registry entry (${key}: ${def.description}); it is throttled with the stage.`,
          );
        }
      }
    }
    // HTTP APIs have no gateway responses to customize (REST APIs only): a request matching no route would get API
    // Gateway's own `{"message":"Not Found"}`. The `$default` route sends it instead to the light public function of
    // /health, whose router answers a French 404 problem+json ROUTE_INCONNUE (shared/http/router.ts), as the
    // embedded platform's gateway does. No authorizer on it: an unknown path is a 404 with or without a token.
    if (fallback) {
      const unmatched = new apigw.HttpRoute(this, 'DefaultRoute', {
        httpApi: this.httpApi,
        routeKey: apigw.HttpRouteKey.DEFAULT,
        integration: fallback.integration,
      });
      acknowledgeNag(
        unmatched,
        'APIG4',
        `$default answers every unmatched request with a 404 problem (${fallback.key}); it reads and writes nothing.`,
      );
    }
    new CfnOutput(this, 'Url', { value: this.httpApi.apiEndpoint });
    new CfnOutput(this, 'JwtIssuer', { value: issuer });
    if (this.userPoolClient) new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }

  /**
   * The technical accounts' machine-to-machine access (docs/rules/structures.md#technical-account): a resource
   * server with one scope, the pool's domain for the token endpoint, the token hook (event V3_0, which covers the
   * client credentials grant) and, for the function that manages the clients, their rights on this pool only.
   */
  private technicalClients(pool: cognito.UserPool, props: ApiProps): cognito.UserPoolDomain {
    const scope = new cognito.ResourceServerScope({
      scopeName: TECHNICAL_SCOPE_NAME,
      scopeDescription: 'Accès à l’API par le compte technique d’une structure',
    });
    const server = pool.addResourceServer('TechnicalApi', { identifier: TECHNICAL_RESOURCE_SERVER, scopes: [scope] });
    const prefix =
      props.tokenDomainPrefix ??
      `ft-${Names.uniqueResourceName(this, { maxLength: 40, separator: '-' })}`
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '');
    const domain = pool.addDomain('TokenDomain', { cognitoDomain: { domainPrefix: prefix } });
    for (const [key, fn] of props.functions.entries()) {
      const def = props.functions.definition(key);
      if (def.kind === 'token') {
        pool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, fn, cognito.LambdaVersion.V3_0);
      }
      if (def.kind === 'authorizer') {
        fn.addEnvironment('TECHNICAL_SCOPE', `${server.userPoolResourceServerId}/${TECHNICAL_SCOPE_NAME}`);
      }
      if (def.access?.machineClients) {
        fn.addEnvironment('USER_POOL_ID', pool.userPoolId);
        fn.addEnvironment('TECHNICAL_TOKEN_URL', `${domain.baseUrl()}/oauth2/token`);
        fn.addEnvironment('TECHNICAL_SCOPE', `${server.userPoolResourceServerId}/${TECHNICAL_SCOPE_NAME}`);
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: [
              'cognito-idp:CreateUserPoolClient',
              'cognito-idp:AddUserPoolClientSecret',
              'cognito-idp:ListUserPoolClientSecrets',
              'cognito-idp:DeleteUserPoolClientSecret',
              'cognito-idp:DeleteUserPoolClient',
            ],
            resources: [pool.userPoolArn],
          }),
        );
      }
    }
    new CfnOutput(this, 'TechnicalTokenUrl', { value: `${domain.baseUrl()}/oauth2/token` });
    return domain;
  }

  /**
   * The Lambda authorizer of every non-public route with the user pool (functions/auth/api-authorizer.ts): the
   * pool's keys, the people's clients (the API's, the portal's, resolved at synthesis) and the technical scope in
   * its environment; its answer cached per `Authorization` header for `AUTHORIZER_CACHE_SECONDS`.
   */
  private lambdaAuthorizer(pool: cognito.UserPool, props: ApiProps): HttpLambdaAuthorizer {
    const entry = props.functions.entries().find(([key]) => props.functions.definition(key).kind === 'authorizer');
    if (!entry) throw new Error('the registry declares no function of kind "authorizer" for the user pool');
    const [, fn] = entry;
    fn.addEnvironment('USER_POOL_ID', pool.userPoolId);
    fn.addEnvironment('USER_CLIENT_IDS', Lazy.string({ produce: () => this.audiences.join(',') }));
    return new HttpLambdaAuthorizer('Authorizer', fn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_SECONDS),
    });
  }

  /** Accepts the tokens of one more client of the user pool (its `client_id` claim, or `aud`). */
  allowAudience(clientId: string): void {
    if (!this.audiences.includes(clientId)) this.audiences.push(clientId);
  }
}
