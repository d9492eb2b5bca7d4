import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Functions } from './functions';

export interface WorkflowsProps {
  readonly functions: Functions;
}

/** The Step Functions state machines built from `workflows/`, wired to the functions. */
export class Workflows extends Construct {
  readonly byName: Record<string, sfn.StateMachine> = {};

  constructor(scope: Construct, id: string, _props: WorkflowsProps) {
    super(scope, id);
  }

  all(): sfn.StateMachine[] {
    return Object.values(this.byName);
  }
}
