import type { LambdaDefinition } from '../lambda-definition';

/**
 * The user pool's token hook (docs/rules/structures.md#technical-account); merged into LAMBDAS by
 * functions/registry.ts and wired by the Api construct to the Cognito user pool it creates (on AWS only).
 */
export const AUTH_LAMBDAS = {
  jetonTechnique: {
    entry: 'functions/auth/technical-token.ts',
    kind: 'token',
    description: 'Jetons des clients techniques : compte en vigueur (424 jours), compte nommé dans le jeton',
    access: { table: 'read' },
    timeoutSeconds: 5,
    memoryMb: 256,
  },
} as const satisfies Record<string, LambdaDefinition>;
