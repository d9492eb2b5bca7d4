import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { type LambdaKey, LAMBDAS } from '../functions/registry';
import { Api, type ApiProps } from './constructs/api';
import { Functions } from './constructs/functions';
import { Storage } from './constructs/storage';
import { Workflows } from './constructs/workflows';

export interface FacturesTravauxStackProps extends StackProps {
  readonly auth?: ApiProps['auth'];
  readonly uploadOrigins?: string[];
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

  constructor(scope: Construct, id: string, props: FacturesTravauxStackProps = {}) {
    super(scope, id, props);
    this.storage = new Storage(this, 'Storage', { uploadOrigins: props.uploadOrigins });
    this.functions = new Functions(this, 'Functions', { storage: this.storage });
    this.workflows = new Workflows(this, 'Workflows', { functions: this.functions });
    this.functions.grantStateMachines(this.workflows.all());
    this.api = new Api(this, 'Api', { functions: this.functions, auth: props.auth });
  }

  /** Logical ID of a Lambda function → its registry key (for the local Step Functions runner). */
  lambdaKeysByLogicalId(): Map<string, LambdaKey> {
    const map = new Map<string, LambdaKey>();
    for (const key of Object.keys(LAMBDAS) as LambdaKey[]) {
      const fn = this.functions.get(key);
      map.set(this.getLogicalId(fn.node.defaultChild as lambda.CfnFunction), key);
    }
    return map;
  }

  stateMachines(): Record<string, sfn.StateMachine> {
    return this.workflows.byName;
  }
}
