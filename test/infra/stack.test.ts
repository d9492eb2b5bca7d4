import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDAS, type LambdaDefinition } from '../../functions/registry';
import { AUTHORIZER_CACHE_SECONDS, TECHNICAL_RESOURCE_SERVER } from '../../infra/constructs/api';
import type { FacturesTravauxStack } from '../../infra/stack';
import { FIXTURE_REGISTRY } from './fixtures/registry';
import { cleanupApps, makeFixtureStack, makeStack } from './helpers';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

afterAll(cleanupApps);

/** Every statement of the role policies attached to one function, flattened. */
function statementsOf(template: Template, stack: FacturesTravauxStack, key: string) {
  const fn = stack.functions.get(key);
  const roleLogicalId = stack.getLogicalId(fn.role?.node.defaultChild as never);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    JSON.stringify((p as Resource).Properties.Roles).includes(`"${roleLogicalId}"`),
  );
  return policies
    .flatMap((p) => (p as Resource).Properties.PolicyDocument as { Statement: Statement[] })
    .flatMap((doc) => doc.Statement);
}
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

describe('Storage: the table', () => {
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(makeStack());
  });

  /** GSI1 projects what its readers take from the entries (docs/DESIGN.md#the-table), written out here by hand. */
  const GSI1_ATTRIBUTES = [
    'pending', // Synthèse
    'clock', // Délais
    'interestBase',
    'marcheId',
    'piece',
    'executionGeneration', // the resume's walk
    'intent', // the outbox
    'createdAt',
    'dueAt', // reminders and notices
    'siret',
    'changedAt',
    'userId', // e-mails pending
    'id',
    'at',
  ];
  const gsi1 = {
    IndexName: 'GSI1v2',
    KeySchema: [
      { AttributeName: 'gsi1pk', KeyType: 'HASH' },
      { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: GSI1_ATTRIBUTES },
  };
  const gsi2 = {
    IndexName: 'GSI2',
    KeySchema: [
      { AttributeName: 'gsi2pk', KeyType: 'HASH' },
      { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  };

  it('has pk/sk keys and two GSIs with their own key names: GSI1v2 projects what its readers read, GSI2 all', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table')) as Resource[];
    expect(table?.Properties.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    // Exactly these two: a fresh deployment creates them in one go (GSI1, projecting ALL, is not created)
    expect(table?.Properties.GlobalSecondaryIndexes).toEqual([gsi1, gsi2]);
  });

  it('keeps the index GSI1v2 replaces beside it when asked, for the first of the two deployments of a table', () => {
    const migrating = makeStack({ keepLegacyIndex: true });
    const t = Template.fromStack(migrating);
    const [table] = Object.values(t.findResources('AWS::DynamoDB::Table')) as Resource[];
    expect(table?.Properties.GlobalSecondaryIndexes).toEqual([
      gsi1,
      gsi2,
      { ...gsi1, IndexName: 'GSI1', Projection: { ProjectionType: 'ALL' } },
    ]);
    // The functions of the deployment being replaced still read GSI1 until theirs take over
    expect(migrating.storage.indexNames).toEqual(['GSI1v2', 'GSI2', 'GSI1']);
  });

  it('is on-demand, encrypted, with point-in-time recovery and the ttl attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('is retained and deletion-protected in production, not in a development stack', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    const dev = Template.fromStack(makeStack({ production: false }));
    dev.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});

describe('Storage: the documents bucket', () => {
  let template: Template;
  let documentsId: string;
  beforeAll(() => {
    const stack = makeStack({ uploadOrigins: ['https://factures.example.fr'] });
    template = Template.fromStack(stack);
    documentsId = stack.getLogicalId(stack.storage.bucket.node.defaultChild as never);
  });

  const documents = () => template.findResources('AWS::S3::Bucket')[documentsId] as Resource;

  it('blocks all public access, is versioned and encrypted', () => {
    expect(documents().Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
  });

  it('locks every version 10 years in GOVERNANCE mode by default (docs/rules/documents.md#retention-and-the-audit-trail)', () => {
    expect(documents().Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 3650 } },
      },
    });
  });

  it('takes the retention from retentionDays, and 0 leaves Object Lock off', () => {
    const short = Template.fromStack(makeStack({ retentionDays: 30 }));
    short.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } },
    });
    const none = Template.fromStack(makeStack({ retentionDays: 0, production: false }));
    for (const bucket of Object.values(none.findResources('AWS::S3::Bucket'))) {
      expect((bucket as Resource).Properties.ObjectLockConfiguration).toBeUndefined();
      expect((bucket as Resource).Properties.ObjectLockEnabled).toBeUndefined();
    }
    expect(() => makeStack({ retentionDays: -1 })).toThrow(/retentionDays/);
  });

  it('denies every request that does not use TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: documentsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: Match.arrayWith([{ 'Fn::GetAtt': [documentsId, 'Arn'] }]),
          }),
        ]),
      },
    });
  });

  it('sends its server access logs to a separate private bucket', () => {
    const logging = documents().Properties.LoggingConfiguration as { DestinationBucketName: { Ref: string } };
    const logBucketId = logging.DestinationBucketName.Ref;
    expect(logBucketId).not.toBe(documentsId);
    const logBucket = template.findResources('AWS::S3::Bucket')[logBucketId] as Resource;
    expect(logBucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [documentsId, 'Arn'] } } }),
          }),
        ]),
      },
    });
  });

  it('allows browser uploads by POST from the configured origins only', () => {
    expect(documents().Properties.CorsConfiguration).toEqual({
      CorsRules: [
        expect.objectContaining({
          AllowedMethods: expect.arrayContaining(['POST']),
          AllowedOrigins: ['https://factures.example.fr'],
        }),
      ],
    });
  });
});

describe('Functions', () => {
  let stack: FacturesTravauxStack;
  let template: Template;
  beforeAll(() => {
    stack = makeFixtureStack();
    template = Template.fromStack(stack);
  });

  const functionsOf = (t: Template, s: FacturesTravauxStack) => {
    const ids = [...s.lambdaKeysByLogicalId().keys()];
    const all = t.findResources('AWS::Lambda::Function');
    return ids.map((id) => all[id] as Resource);
  };

  it('builds one Node.js 22 function per entry of the real registry', () => {
    const real = makeStack();
    const fns = functionsOf(Template.fromStack(real), real);
    expect(fns).toHaveLength(Object.keys(LAMBDAS).length);
    for (const fn of fns) expect(fn.Properties.Runtime).toBe('nodejs22.x');
  });

  it('gives every function Node.js 22, X-Ray tracing and JSON logs to its own log group', () => {
    const fns = functionsOf(template, stack);
    expect(fns).toHaveLength(Object.keys(FIXTURE_REGISTRY).length);
    for (const fn of fns) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', LogGroup: { Ref: expect.any(String) } },
        Environment: { Variables: expect.objectContaining({ POWERTOOLS_SERVICE_NAME: 'factures-travaux' }) },
      });
      // no source maps by default: `--enable-source-maps` only when they are bundled (SOURCE_MAPS=true)
      expect(
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.NODE_OPTIONS,
      ).toBeUndefined();
    }
  });

  it('keeps every log group (functions, API access logs, state machines) one year by default', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')) as Resource[];
    // one per function, the API access logs, the state machine
    expect(groups).toHaveLength(Object.keys(FIXTURE_REGISTRY).length + 2);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(365);
  });

  it('uses no AWS managed policy on the functions’ roles', () => {
    for (const key of Object.keys(FIXTURE_REGISTRY)) {
      const roleId = stack.getLogicalId(stack.functions.get(key).role?.node.defaultChild as never);
      const role = template.findResources('AWS::IAM::Role')[roleId] as Resource;
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('grants a read-only function table reads on the table and its named indexes, nothing else', () => {
    const actions = actionsOf(statementsOf(template, stack, 'health'));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    for (const forbidden of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan']) {
      expect(actions).not.toContain(forbidden);
    }
    expect(actions.some((a) => a.startsWith('s3:') || a.startsWith('states:'))).toBe(false);
    const resources = JSON.stringify(statementsOf(template, stack, 'health').map((s) => s.Resource));
    expect(resources).toContain('/index/GSI1v2"');
    expect(resources).toContain('/index/GSI2"');
    expect(resources).not.toContain('/index/GSI1"');
    expect(resources).not.toContain('/index/*');
  });

  it('grants no wildcard action to any function', () => {
    for (const key of Object.keys(FIXTURE_REGISTRY)) {
      for (const action of actionsOf(statementsOf(template, stack, key))) expect(action).not.toMatch(/\*/);
    }
  });

  it('grants bucket writes and deletes only as declared', () => {
    const writer = actionsOf(statementsOf(template, stack, 'dossiers'));
    expect(writer).toEqual(expect.arrayContaining(['s3:PutObject', 's3:GetObject', 'dynamodb:PutItem']));
    expect(writer).not.toContain('s3:DeleteObject');
    const verifier = actionsOf(statementsOf(template, stack, 'verifyUpload'));
    expect(verifier).toContain('s3:DeleteObject');
    const task = actionsOf(statementsOf(template, stack, 'recordPending'));
    expect(task.some((a) => a.startsWith('s3:'))).toBe(false);
  });

  it('subscribes each s3 function, and only those, to ObjectCreated under uploads/', () => {
    const verifyId = stack.getLogicalId(stack.functions.get('verifyUpload').node.defaultChild as never);
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
            LambdaFunctionArn: { 'Fn::GetAtt': [verifyId, 'Arn'] },
          },
        ],
      },
    });
    const s3Count = Object.values(FIXTURE_REGISTRY as Record<string, LambdaDefinition>).filter(
      (d) => d.kind === 's3',
    ).length;
    template.resourcePropertiesCountIs('AWS::Lambda::Permission', { Principal: 's3.amazonaws.com' }, s3Count);
  });
});

describe('Api', () => {
  let stack: FacturesTravauxStack;
  let template: Template;
  beforeAll(() => {
    stack = makeFixtureStack({
      apiOrigins: ['https://factures.example.fr'],
      throttle: { rateLimit: 20, burstLimit: 40 },
    });
    template = Template.fromStack(stack);
  });

  const routes = (t: Template) =>
    Object.values(t.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r as Resource).Properties);

  it('puts the Lambda authorizer on every non-public route and none on /health', () => {
    const all = routes(template);
    const expected = Object.values(FIXTURE_REGISTRY as Record<string, LambdaDefinition>).flatMap((d) => d.routes ?? []);
    // the registry's routes, plus $default (below)
    expect(all).toHaveLength(expected.length + 1);
    for (const route of expected) {
      const found = all.find((r) => r.RouteKey === `${route.method} ${route.path}`);
      if (route.public) {
        expect(found).toMatchObject({ AuthorizationType: 'NONE' });
        expect(found?.AuthorizerId).toBeUndefined();
      } else {
        expect(found).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: expect.any(String) } });
      }
    }
    expect(all.find((r) => r.RouteKey === 'GET /health')).toMatchObject({ AuthorizationType: 'NONE' });
  });

  it('answers a request matching no route through $default, without authorizer, by the /health function', () => {
    const all = routes(template);
    const fallback = all.find((r) => r.RouteKey === '$default');
    expect(fallback).toMatchObject({ AuthorizationType: 'NONE' });
    expect(fallback?.AuthorizerId).toBeUndefined();
    const health = all.find((r) => r.RouteKey === 'GET /health');
    // the same integration (hence the same function, whose router answers 404 ROUTE_INCONNUE) as GET /health
    expect(fallback?.Target).toEqual(health?.Target);
  });

  it('does the same for every route of the real registry', () => {
    const real = Template.fromStack(makeStack());
    const all = routes(real);
    for (const def of Object.values(LAMBDAS as Record<string, LambdaDefinition>)) {
      for (const route of def.routes ?? []) {
        const found = all.find((r) => r.RouteKey === `${route.method} ${route.path}`);
        expect(found?.AuthorizationType).toBe(route.public ? 'NONE' : 'CUSTOM');
      }
    }
  });

  it('checks the user pool’s tokens with the Lambda authorizer (people’s clients, technical scope), MFA required', () => {
    const poolId = stack.getLogicalId(stack.api.userPool?.node.defaultChild as never);
    const clientRef = (c: unknown) => ({
      Ref: stack.getLogicalId((c as { node: { defaultChild: never } }).node.defaultChild),
    });
    const fnId = stack.getLogicalId(stack.functions.get('authorizer').node.defaultChild as never);
    // Cognito lets no token hook set `aud` or `client_id`, so the JWT authorizer (a fixed audience list) could not
    // accept the technical accounts' clients created at run time: a REQUEST authorizer, simple answers, cached per
    // Authorization header for at most 5 minutes
    expect(AUTHORIZER_CACHE_SECONDS).toBeLessThanOrEqual(300);
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: AUTHORIZER_CACHE_SECONDS,
      AuthorizerUri: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [fnId, 'Arn'] }])]),
      }),
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
    // the people's clients (the API's and the portal's) and the technical scope, in the authorizer's environment
    const env = (
      template.findResources('AWS::Lambda::Function')[fnId] as { Properties: { Environment: { Variables: never } } }
    ).Properties.Environment.Variables as Record<string, unknown>;
    expect(env.USER_POOL_ID).toEqual({ Ref: poolId });
    expect(env.USER_CLIENT_IDS).toEqual({
      'Fn::Join': ['', [clientRef(stack.api.userPoolClient), ',', clientRef(stack.portal.client)]],
    });
    expect(JSON.stringify(env.TECHNICAL_SCOPE)).toContain('/api');
    // The portal's bearer is its ID token (the one carrying the e-mail the API knows a person by): it has no OAuth
    // scopes, so no route may require any.
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.length).toBeGreaterThan(0);
    expect(
      routes.filter((r) => (r as { Properties: { AuthorizationScopes?: unknown } }).Properties.AuthorizationScopes),
    ).toEqual([]);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
    });
  });

  it('lets technical accounts get tokens by client credentials: scope, domain, V3 token hook, rights on the pool', () => {
    const poolId = stack.getLogicalId(stack.api.userPool?.node.defaultChild as never);
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: TECHNICAL_RESOURCE_SERVER,
      Scopes: [Match.objectLike({ ScopeName: 'api' })],
      UserPoolId: { Ref: poolId },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { UserPoolId: { Ref: poolId } });
    const hook = stack.getLogicalId(stack.functions.get('tokenHook').node.defaultChild as never);
    // event V3_0: the only version whose hook runs for the client credentials grant
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [hook, 'Arn'] }, LambdaVersion: 'V3_0' } },
    });
    // the function that manages the clients may create them, change their secrets and delete an orphan, on this pool only
    const managing = statementsOf(template, stack, 'dossiers').filter((st) =>
      actionsOf([st]).some((a) => a.startsWith('cognito-idp:')),
    );
    expect(actionsOf(managing).sort()).toEqual([
      'cognito-idp:AddUserPoolClientSecret',
      'cognito-idp:CreateUserPoolClient',
      'cognito-idp:DeleteUserPoolClient',
      'cognito-idp:DeleteUserPoolClientSecret',
      'cognito-idp:ListUserPoolClientSecrets',
    ]);
    expect(managing.map((st) => st.Resource)).toEqual([{ 'Fn::GetAtt': [poolId, 'Arn'] }]);
    // no other function touches the pool
    for (const [key] of stack.functions.entries()) {
      if ((key as string) === 'dossiers') continue;
      expect(actionsOf(statementsOf(template, stack, key)).filter((a) => a.startsWith('cognito-idp:'))).toEqual([]);
    }
  });

  it('validates JWTs of any OIDC issuer by configuration, without a user pool', () => {
    const oidc = Template.fromStack(
      makeFixtureStack({ auth: { issuer: 'https://login.example.fr/realms/factures', audience: ['factures-web'] } }),
    );
    oidc.resourceCountIs('AWS::Cognito::UserPool', 0);
    oidc.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://login.example.fr/realms/factures', Audience: ['factures-web'] },
    });
    expect(() => makeStack({ auth: { issuer: 'http://login.example.fr', audience: ['x'] } })).toThrow(/https/);
    expect(() => makeStack({ auth: { issuer: 'https://login.example.fr', audience: [] } })).toThrow(/audience/);
  });

  it('logs every request of the default stage as JSON and throttles it', () => {
    const logsId = stack.getLogicalId(stack.api.accessLogs.node.defaultChild as never);
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as Resource;
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [logsId, 'Arn'] } },
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
    const format = JSON.parse((stage.Properties.AccessLogSettings as { Format: string }).Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('answers CORS preflights for the configured origins', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://factures.example.fr'],
        AllowHeaders: Match.arrayWith(['authorization']),
      }),
    });
  });
});

describe('Workflows', () => {
  let stack: FacturesTravauxStack;
  let template: Template;
  beforeAll(() => {
    stack = makeFixtureStack();
    template = Template.fromStack(stack);
  });

  it('makes a STANDARD machine, logged (ALL, without execution data) and traced, registered by name', () => {
    expect(Object.keys(stack.stateMachines())).toEqual(['Dossier']);
    expect(stack.workflows.all()).toEqual([stack.stateMachines().Dossier]);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('lets the machine invoke its task function', () => {
    const smRoleId = stack.getLogicalId(stack.stateMachines().Dossier!.role.node.defaultChild as never);
    const taskId = stack.getLogicalId(stack.functions.get('recordPending').node.defaultChild as never);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: smRoleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Resource: Match.arrayWith([{ 'Fn::GetAtt': [taskId, 'Arn'] }]),
          }),
        ]),
      },
    });
  });

  it('lets a function that declares startAndCallback start it and send task results, and tells it the ARN', () => {
    const smId = stack.getLogicalId(stack.stateMachines().Dossier!.node.defaultChild as never);
    const statements = statementsOf(template, stack, 'dossiers');
    const on = (action: string) =>
      statements.filter((s) => [s.Action].flat().includes(action)).map((s) => JSON.stringify(s.Resource));
    expect(on('states:StartExecution')).toEqual([JSON.stringify({ Ref: smId })]);
    expect(on('states:SendTaskSuccess')).toEqual([JSON.stringify({ Ref: smId })]);
    expect(on('states:SendTaskFailure')).toEqual([JSON.stringify({ Ref: smId })]);
    // functions that declare no state machine access get none
    expect(actionsOf(statementsOf(template, stack, 'recordPending')).some((a) => a.startsWith('states:'))).toBe(false);

    const dossiersId = stack.getLogicalId(stack.functions.get('dossiers').node.defaultChild as never);
    const fn = template.findResources('AWS::Lambda::Function')[dossiersId] as Resource;
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(stack.resolve(env.STATE_MACHINES)).toEqual({ 'Fn::Join': ['', ['{"Dossier":"', { Ref: smId }, '"}']] });
  });

  it('refuses a second machine with the same name', () => {
    expect(() => stack.workflows.addStateMachine('Dossier', new sfn.Pass(stack, 'Other'))).toThrow(/already exists/);
  });
});

describe('what the embedded platform reads', () => {
  it('builds without bundling and maps each function logical ID back to its registry key', () => {
    const stack = makeFixtureStack();
    const keys = [...stack.lambdaKeysByLogicalId().values()].sort();
    expect(keys).toEqual(Object.keys(FIXTURE_REGISTRY).sort());
    const definition = stack.resolve(
      (stack.stateMachines().Dossier!.node.defaultChild as sfn.CfnStateMachine).definitionString,
    );
    const taskId = stack.getLogicalId(stack.functions.get('recordPending').node.defaultChild as never);
    expect(JSON.stringify(definition)).toContain(`{"Fn::GetAtt":["${taskId}","Arn"]}`);
    expect(stack.lambdaKeysByLogicalId().get(taskId)).toBe('recordPending');
  });
});
