import type { LambdaDefinition } from '../lambda-definition';

/**
 * Lambda functions of this concern (ECB rates, docs/ecb-rates.md); merged into LAMBDAS by functions/registry.ts.
 * The operator API of the rates is an `http` function of functions/api.
 */
export const RATE_LAMBDAS = {
  tauxBceReleve: {
    entry: 'functions/rates/scheduled-fetch.ts',
    kind: 'schedule',
    description:
      'Relevé planifié des taux de la BCE : enregistre chaque nouveau semestre, signale un semestre sans taux',
    // Every 6 hours from 00:15 Paris time: the first run of a half-year is a quarter of an hour after it starts.
    schedule: { expression: 'cron(15 0/6 * * ? *)', timeZone: 'Europe/Paris' },
    access: { table: 'readWrite' },
    timeoutSeconds: 60,
    memoryMb: 256,
  },
} as const satisfies Record<string, LambdaDefinition>;
