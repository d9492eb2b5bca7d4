import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 acknowledgements go through the CDK Validations API (the v2 `NagSuppressions` is gone). An IAM5 finding
 * is matched on its exact text, so each wildcard is acknowledged on its own, on the construct that owns it.
 */
export function acknowledgeNag(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule}`, reason });
}

/** IAM5 finding text for a resource: `Resource::<LogicalId.Arn>/*` style, as cdk-nag prints it. */
export function iam5Resource(resource: string): string {
  return `IAM5[Resource::${resource}]`;
}
