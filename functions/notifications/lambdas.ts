import type { LambdaDefinition } from '../lambda-definition';

/**
 * Lambda functions of the notifications (issue 13, docs/rules/notifications.md); merged into LAMBDAS by
 * functions/registry.ts. The routes of `/v1/moi/notifications` are `http` functions of functions/api.
 */
export const NOTIFICATION_LAMBDAS = {
  notificationsTick: {
    entry: 'functions/notifications/tick.ts',
    kind: 'schedule',
    description:
      'Notifications : rappels échus, outbox vers les utilisateurs, courriels perdus remis en file, synthèses quotidiennes',
    // Every minute: a decision's notifications are out within a minute, a reminder within a minute of its instant.
    schedule: { expression: 'rate(1 minute)' },
    access: { table: 'readWrite' },
    timeoutSeconds: 55,
    memoryMb: 256,
  },
  notificationsEnvoi: {
    entry: 'functions/notifications/send.ts',
    kind: 'queue',
    description: 'Envoi des courriels de notification (SES), un message de la file par courriel, une fois chacun',
    access: { table: 'readWrite' },
    timeoutSeconds: 30,
    memoryMb: 256,
  },
} as const satisfies Record<string, LambdaDefinition>;
