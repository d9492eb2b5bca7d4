/** Notifications and reminders (issue 13): what notifies whom, and how each user receives it. Pure rules. */
export * from './delivery';
export * from './dossier-events';
export * from './identity-events';
export * from './kinds';
export * from './recipients';
