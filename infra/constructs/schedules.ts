import { Duration, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { Functions } from './functions';

export interface SchedulesProps {
  readonly functions: Functions;
}

/**
 * One EventBridge Scheduler schedule per `schedule` function of the registry, on the function's own expression and
 * time zone. Scheduler invokes the function asynchronously (Lambda then retries a failed run twice); the functions
 * are idempotent, so a repeated run changes nothing. A run older than one hour is dropped: the next one comes.
 */
export class Schedules extends Construct {
  readonly byFunction = new Map<string, scheduler.Schedule>();

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    for (const [key, fn] of props.functions.entries()) {
      const def = props.functions.definition(key);
      if (def.kind !== 'schedule') continue;
      if (!def.schedule) throw new Error(`function ${key} of kind schedule has no schedule`);
      const timeZone = def.schedule.timeZone ? TimeZone.of(def.schedule.timeZone) : undefined;
      const schedule = new scheduler.Schedule(this, key, {
        description: def.description.slice(0, 512),
        schedule: scheduler.ScheduleExpression.expression(def.schedule.expression, timeZone),
        target: new InvokeUnqualified(fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) }),
      });
      this.byFunction.set(key, schedule);
    }
  }
}

/**
 * The Lambda target, whose role may invoke the function itself only: `grantInvoke` would also allow every version
 * and alias (`arn:…:*`), which a schedule never invokes.
 */
class InvokeUnqualified extends targets.LambdaInvoke {
  constructor(
    private readonly fn: lambda.IFunction,
    props: targets.ScheduleTargetBaseProps,
  ) {
    super(fn, props);
  }

  protected override addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.fn.functionArn] }),
    );
  }
}
