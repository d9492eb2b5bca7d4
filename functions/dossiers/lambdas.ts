import type { LambdaDefinition } from '../registry';

/** Lambda functions of this concern; merged into LAMBDAS by functions/registry.ts. */
export const DOSSIER_LAMBDAS = {} as const satisfies Record<string, LambdaDefinition>;
