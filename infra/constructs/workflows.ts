import { type Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DOSSIER_TASK_KEYS } from '../../functions/workflow/lambdas';
import { buildDossierDefinition, type DossierFunctions } from '../../workflows/dossier';
import type { Functions } from './functions';
import { acknowledgeNag, iam5Resource } from './nag';

/** The dossier's state machine: its name here is its key in the functions' STATE_MACHINES (shared/adapters/workflow). */
export const DOSSIER_STATE_MACHINE = 'Dossier';

export interface WorkflowsProps {
  readonly functions: Functions;
  /** Retention of the state machines' log groups (default: one year). */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log groups when the stack is deleted (default: RETAIN). */
  readonly removalPolicy?: RemovalPolicy;
}

export interface StateMachineOptions {
  /** Maximum duration of one execution (default: none, i.e. the one-year limit of STANDARD workflows). */
  readonly timeout?: Duration;
  readonly comment?: string;
}

/**
 * The Step Functions state machines built from `workflows/`, wired to the functions. Workflow code calls
 * `addStateMachine` with its definition; this construct makes every machine the same way: STANDARD, logged to
 * CloudWatch (ALL events, without execution data, which holds personal and financial data), traced with X-Ray,
 * registered in `byName`, and granted to the functions whose registry entry asks to start or call it back.
 */
export class Workflows extends Construct {
  readonly byName: Record<string, sfn.StateMachine> = {};
  private readonly functions: Functions;
  private readonly logRetention: logs.RetentionDays;
  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    this.functions = props.functions;
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.addDossierMachine();
  }

  /**
   * The circuit of the dossier de facturation (workflows/dossier.ts), built when the registry holds its task functions
   * (a test registry without them adds its own machines).
   */
  private addDossierMachine(): void {
    const known = new Set<string>(this.functions.entries().map(([key]) => key));
    if (!Object.values(DOSSIER_TASK_KEYS).every((key) => known.has(key))) return;
    const fn = (key: keyof typeof DOSSIER_TASK_KEYS) => this.functions.get(DOSSIER_TASK_KEYS[key]);
    const fns: DossierFunctions = {
      charger: fn('charger'),
      enregistrerAttente: fn('enregistrerAttente'),
      issueTacite: fn('issueTacite'),
      transmettre: fn('transmettre'),
      clore: fn('clore'),
      echec: fn('echec'),
    };
    const states = new Construct(this, `${DOSSIER_STATE_MACHINE}States`);
    this.addStateMachine(DOSSIER_STATE_MACHINE, buildDossierDefinition(states, fns), {
      comment:
        'Circuit du dossier de facturation (CCAG Travaux, docs/rules/circuits.md) : une exécution par dossier, nommée d’après lui.',
    });
  }

  /**
   * Creates a STANDARD state machine named `name` (its construct id, its key in `byName` and in the functions'
   * STATE_MACHINES variable). Lambda tasks (`LambdaInvoke`) grant themselves the invoke right.
   */
  addStateMachine(
    name: string,
    definition: sfn.DefinitionBody | sfn.IChainable,
    opts: StateMachineOptions = {},
  ): sfn.StateMachine {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error(`state machine name must be alphanumeric: ${name}`);
    if (this.byName[name]) throw new Error(`state machine ${name} already exists`);
    const logGroup = new logs.LogGroup(this, `${name}Logs`, {
      // The /aws/vendedlogs/ prefix keeps the account's CloudWatch Logs resource policy from growing per machine.
      logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(this, { maxLength: 200 })}-${name}`,
      retention: this.logRetention,
      removalPolicy: this.removalPolicy,
    });
    const sm = new sfn.StateMachine(this, name, {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody:
        definition instanceof sfn.DefinitionBody ? definition : sfn.DefinitionBody.fromChainable(definition),
      timeout: opts.timeout,
      comment: opts.comment,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.byName[name] = sm;
    this.acknowledgeRoleWildcards(sm);
    this.functions.grantStateMachines([sm]);
    return sm;
  }

  all(): sfn.StateMachine[] {
    return Object.values(this.byName);
  }

  /** Each wildcard of the machine's role, acknowledged for what it is. */
  private acknowledgeRoleWildcards(sm: sfn.StateMachine): void {
    const role = sm.role as iam.Role;
    acknowledgeNag(
      role,
      iam5Resource('*'),
      'CloudWatch Logs delivery (logs:CreateLogDelivery and related) and X-Ray (xray:PutTraceSegments and related) have no resource-level permissions.',
    );
    // LambdaInvoke grants the function and its qualified versions (`<arn>:*`); acknowledge exactly those invoked.
    const stack = Stack.of(this);
    const defaultPolicy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
    const policy = JSON.stringify(defaultPolicy ? stack.resolve(defaultPolicy.document) : {});
    for (const [key, fn] of this.functions.entries()) {
      const logicalId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
      if (!policy.includes(`"Fn::GetAtt":["${logicalId}","Arn"]`)) continue;
      acknowledgeNag(
        role,
        iam5Resource(`<${logicalId}.Arn>:*`),
        `Step Functions invokes function ${key} through LambdaInvoke, which grants the function and its versions and aliases (qualifier :*).`,
      );
    }
  }
}
