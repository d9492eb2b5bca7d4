import type { LambdaDefinition } from '../lambda-definition';

/**
 * The user pool's token hook and the API's authorizer (docs/rules/structures.md#technical-account); merged into
 * LAMBDAS by functions/registry.ts and wired by the Api construct to the Cognito user pool it creates and to the
 * HTTP API's routes (on AWS only; the embedded platform's gateway checks its own tokens).
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
  autorisationApi: {
    entry: 'functions/auth/api-authorizer.ts',
    kind: 'authorizer',
    description:
      "Autorisation des appels à l'API : jetons des personnes et des clients techniques du groupe d'utilisateurs",
    access: { table: 'read' },
    timeoutSeconds: 10,
    memoryMb: 256,
  },
} as const satisfies Record<string, LambdaDefinition>;
