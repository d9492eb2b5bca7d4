import type { LambdaDefinition } from '../lambda-definition';

const entry = 'functions/workflow/tasks.ts';

/**
 * Lambda functions of this concern; merged into LAMBDAS by functions/registry.ts. The tasks of the dossier's state
 * machine (workflows/dossier.ts). None sends a task token itself: a wait the dossier has already left is ended by
 * failing the recording task (Dossier.AttentePerimee, caught by the definition), so no function needs rights on the
 * machine that invokes it.
 */
export const WORKFLOW_LAMBDAS = {
  dossierCharger: {
    entry,
    exportName: 'chargerDossier',
    kind: 'task',
    description: 'Circuit du dossier : lit le dossier, son étape, son délai restant ; enregistre le délai de paiement',
    access: { table: 'readWrite' },
  },
  dossierEnregistrerAttente: {
    entry,
    exportName: 'enregistrerAttente',
    kind: 'task',
    description: "Circuit du dossier : enregistre le jeton de l'attente en cours sur l'action attendue",
    access: { table: 'readWrite' },
  },
  dossierIssueTacite: {
    entry,
    exportName: 'appliquerIssueTacite',
    kind: 'task',
    description: "Circuit du dossier : applique l'issue tacite d'un délai expiré",
    access: { table: 'readWrite' },
  },
  dossierTransmettre: {
    entry,
    exportName: 'transmettreServiceFinancier',
    kind: 'task',
    description: 'Circuit du dossier : transmet la pièce au service financier',
    access: { table: 'readWrite' },
  },
  dossierClore: {
    entry,
    exportName: 'cloreDossier',
    kind: 'task',
    description: 'Circuit du dossier : enregistre la fin du circuit et le délai de paiement final',
    access: { table: 'readWrite' },
  },
  dossierEchec: {
    entry,
    exportName: 'enregistrerEchec',
    kind: 'task',
    description: "Circuit du dossier : enregistre l'échec d'une tâche dans la piste d'audit",
    access: { table: 'readWrite' },
  },
} as const satisfies Record<string, LambdaDefinition>;

/** The registry key of each task function of the dossier's state machine. */
export const DOSSIER_TASK_KEYS = {
  charger: 'dossierCharger',
  enregistrerAttente: 'dossierEnregistrerAttente',
  issueTacite: 'dossierIssueTacite',
  transmettre: 'dossierTransmettre',
  clore: 'dossierClore',
  echec: 'dossierEchec',
} as const satisfies Record<string, keyof typeof WORKFLOW_LAMBDAS>;

/**
 * The daily resume of open dossiers on AWS (functions/workflow/resume.ts): not a task of the machine, it starts,
 * describes and stops its executions. Merged into LAMBDAS by functions/registry.ts.
 */
export const RESUME_LAMBDAS = {
  dossiersReprise: {
    entry: 'functions/workflow/resume.ts',
    kind: 'schedule',
    description:
      "Reprise quotidienne des dossiers ouverts : relance une exécution perdue, renouvelle une exécution proche d'un an",
    // Every night at 02:30 Paris time, when nobody acts on the dossiers
    schedule: { expression: 'cron(30 2 * * ? *)', timeZone: 'Europe/Paris' },
    access: { table: 'readWrite', stateMachines: 'resume' },
    timeoutSeconds: 900,
    memoryMb: 512,
  },
} as const satisfies Record<string, LambdaDefinition>;
