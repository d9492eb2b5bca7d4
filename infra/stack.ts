import { RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { LambdaDefinition, LambdaKey } from '../functions/registry';
import { Alerts } from './constructs/alerts';
import { Api, type ApiProps, type ApiThrottle } from './constructs/api';
import { EcbRates } from './constructs/ecb-rates';
import { Functions, type LogLevel } from './constructs/functions';
import { Notifications } from './constructs/notifications';
import { Portal, type PortalProps } from './constructs/portal';
import { Schedules } from './constructs/schedules';
import { Storage } from './constructs/storage';
import { Workflows } from './constructs/workflows';

export interface FacturesTravauxStackProps extends StackProps {
  /** External OIDC issuer for the API's JWT authorizer (default: a Cognito user pool). */
  readonly auth?: ApiProps['auth'];
  /** Browser origins allowed to upload documents with presigned POST forms (default: any). */
  readonly uploadOrigins?: string[];
  /** Browser origins allowed by the API's CORS (default: any). */
  readonly apiOrigins?: string[];
  /**
   * Production keeps data and logs when the stack is deleted and turns on deletion protection on the table and
   * the user pool (default: true). `false` is for throw-away development stacks.
   */
  readonly production?: boolean;
  /** Object Lock default retention of documents, in days (default 3650; see `Storage`). */
  readonly retentionDays?: number;
  /** Keep the index GSI1 replaced, for the first of the two deployments of an existing table (see `Storage`). */
  readonly keepLegacyIndex?: boolean;
  readonly logRetention?: logs.RetentionDays;
  readonly logLevel?: LogLevel;
  readonly throttle?: ApiThrottle;
  /** An address subscribed to the operator's alerts (the alarms' SNS topic). */
  readonly alertEmail?: string;
  /** Sender of the notification e-mails, e.g. `Factures de travaux <notifications@example.gouv.fr>` (SES identity). */
  readonly mailFrom?: string;
  /** The portal's address, for the links in the e-mails (e.g. https://factures.example.gouv.fr). */
  readonly portalUrl?: string;
  /** The ECB Data Portal API address the scheduled fetch of the rates reads (default: the ECB's). */
  readonly ecbApiUrl?: string;
  /** The portal's distribution: its built files, own domain, WAF, external client (see `Portal`). */
  readonly portal?: Omit<PortalProps, 'api' | 'storage' | 'removalPolicy'>;
  /** The Lambda functions (default: `functions/registry.ts`); tests pass their own. */
  readonly registry?: Readonly<Record<string, LambdaDefinition>>;
}

/**
 * The whole product as one stack composed of constructs. The embedded platform (`infra/local`) builds this same
 * stack without bundling and reads from it the table definition, the state machine definitions and the routes.
 */
export class FacturesTravauxStack extends Stack {
  readonly storage: Storage;
  readonly functions: Functions;
  readonly workflows: Workflows;
  readonly api: Api;
  readonly schedules: Schedules;
  readonly alerts: Alerts;
  readonly notifications: Notifications;
  readonly ecbRates: EcbRates;
  readonly portal: Portal;

  constructor(scope: Construct, id: string, props: FacturesTravauxStackProps = {}) {
    super(scope, id, props);
    const production = props.production ?? true;
    const removalPolicy = production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    Tags.of(this).add('application', 'factures-travaux');

    this.storage = new Storage(this, 'Storage', {
      uploadOrigins: props.uploadOrigins,
      retainData: production,
      deletionProtection: production,
      retentionDays: props.retentionDays,
      keepLegacyIndex: props.keepLegacyIndex,
    });
    this.functions = new Functions(this, 'Functions', {
      storage: this.storage,
      registry: props.registry,
      logRetention: props.logRetention,
      logLevel: props.logLevel,
      removalPolicy,
    });
    this.workflows = new Workflows(this, 'Workflows', {
      functions: this.functions,
      logRetention: props.logRetention,
      removalPolicy,
    });
    // Machines added through `workflows.addStateMachine` are granted as they come; this covers any added otherwise.
    this.functions.grantStateMachines(this.workflows.all());
    this.api = new Api(this, 'Api', {
      functions: this.functions,
      auth: props.auth,
      corsOrigins: props.apiOrigins,
      throttle: props.throttle,
      logRetention: props.logRetention,
      removalPolicy,
      deletionProtection: production,
    });
    this.schedules = new Schedules(this, 'Schedules', { functions: this.functions });
    this.alerts = new Alerts(this, 'Alerts', { email: props.alertEmail });
    this.ecbRates = new EcbRates(this, 'EcbRates', {
      functions: this.functions,
      alerts: this.alerts,
      ecbApiUrl: props.ecbApiUrl,
    });
    this.notifications = new Notifications(this, 'Notifications', {
      functions: this.functions,
      alerts: this.alerts,
      mailFrom: props.mailFrom,
      portalUrl: props.portalUrl,
    });
    this.portal = new Portal(this, 'Portal', {
      ...props.portal,
      api: this.api,
      storage: this.storage,
      removalPolicy,
    });
  }

  /** Logical ID of a Lambda function → its registry key (for the local Step Functions runner). */
  lambdaKeysByLogicalId(): Map<string, LambdaKey> {
    const map = new Map<string, LambdaKey>();
    for (const [key, fn] of this.functions.entries()) {
      map.set(this.getLogicalId(fn.node.defaultChild as lambda.CfnFunction), key);
    }
    return map;
  }

  stateMachines(): Record<string, sfn.StateMachine> {
    return this.workflows.byName;
  }
}
