import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import {
  DELAI_REPONSE_PROJET_DG_TACITE_JOURS,
  DELAI_SIGNATURE_DG_JOURS,
  DELAI_VALIDATION_JOURS,
} from '../shared/domain/circuits/deadlines';
import { WORKFLOW_ERRORS } from '../shared/domain/workflow';

/**
 * The dossier de facturation's circuit (docs/rules/circuits.md) as ONE Standard state machine: one execution per dossier,
 * started by its first deposit and named after it. The same definition starts and resumes: its first state reads the
 * dossier from DynamoDB (the source of truth), recording its DGP clock, and a Choice sends the execution to the wait
 * of the dossier's current step. Each human step is a `.waitForTaskToken` task whose timeout is the deadline the rule
 * book gives, read from the data (TimeoutSecondsPath); when it passes, the tacit outcome of the rule book is applied.
 * A decision records its clock in its own transaction and hands the wait back the dossier's new situation with the
 * token, so that the execution goes from one wait to the next through one Choice. The rules live in shared/domain
 * only: this graph routes, it decides nothing. JSONPath only, no `$$.State`.
 *
 * State shape: `{ dossierId, dossier: <situation from the tasks and the decisions>, erreur?: { Error, Cause } }`.
 */
export interface DossierFunctions {
  /** Reads the dossier and records its clock: `{ closed, delaiExpire, step, version, timeoutSeconds, aTransmettre, … }`. */
  readonly charger: lambda.IFunction;
  /** Receives `{ dossierId, step, version, taskToken }` and records the token on the pending action. */
  readonly enregistrerAttente: lambda.IFunction;
  /** Applies the tacit outcome of a passed deadline; returns the situation after it. */
  readonly issueTacite: lambda.IFunction;
  readonly transmettre: lambda.IFunction;
  readonly clore: lambda.IFunction;
  readonly echec: lambda.IFunction;
}

/** One wait per open state of the dossier (shared/domain/circuits DOSSIER_STATES), named as the CCAG reader knows it. */
export const DOSSIER_WAIT_STATES = {
  VALIDATION_1: `Validation par le 1er valideur (${DELAI_VALIDATION_JOURS} jours)`,
  VALIDATION_2: `Validation par le mandataire (${DELAI_VALIDATION_JOURS} jours)`,
  EXAMEN_MOE: 'Examen du PDM par le MOE',
  MOE_HORS_DELAI: 'Saisine directe du MOA (MOE hors délai)',
  VALIDATION_MOA: "Validation de l'état d'acompte par le MOA",
  DEPOT_ETAT_ACOMPTE_VALIDE: "Dépôt de l'état d'acompte validé par le titulaire (A6)",
  TRAITEMENT_SERVICE_FINANCIER: 'Traitement par le service financier',
  COMPLEMENT_FOURNISSEUR: 'Complément du fournisseur (suspension)',
  RECYCLAGE: 'Recyclage de la pièce par son déposant',
  ETABLISSEMENT_PROJET_DG_MOE: 'Projet de décompte général par le MOE',
  NOTIFICATION_DG_MOA: 'Notification du décompte général par le MOA',
  DG_NON_NOTIFIE: 'Projet de DG tacite par le titulaire (A22)',
  REPONSE_MOA_PROJET_DG_TACITE: `Réponse du MOA au projet de DG tacite (${DELAI_REPONSE_PROJET_DG_TACITE_JOURS} jours)`,
  SIGNATURE_DG_TITULAIRE: `Signature du DG par le titulaire (${DELAI_SIGNATURE_DG_JOURS} jours)`,
  DEPOT_DGD_TACITE: 'Dépôt du DGD tacite',
} as const;

export const DOSSIER_STATE_NAMES = {
  charger: 'Charger le dossier',
  ouEnEst: 'Où en est le dossier ?',
  issueTacite: "Appliquer l'issue tacite",
  transmettre: 'Transmettre au service financier',
  clore: 'Clore le dossier',
  clos: 'Dossier clos',
  etapeInconnue: 'Étape inconnue',
  echec: "Enregistrer l'échec",
  echecFinal: 'Circuit en échec',
} as const;

/** Raised by the recording task when the dossier has left the wait (`StaleWait` of the workflow contract). */
export const STALE_WAIT_ERROR = WORKFLOW_ERRORS.staleWait;

/** Errors worth retrying: Lambda's own transient failures and DynamoDB throttling or contention. */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'TransactionConflictException',
  WORKFLOW_ERRORS.conflict,
] as const;

/** A Lambda task's own time limit (its function's timeout is 15 s). */
const TASK_TIMEOUT = Duration.seconds(30);

const RETRY: sfn.RetryProps = {
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 5,
  maxDelay: Duration.seconds(60),
  jitterStrategy: sfn.JitterType.FULL,
};

export function buildDossierDefinition(scope: Construct, fns: DossierFunctions): sfn.IChainable {
  const N = DOSSIER_STATE_NAMES;

  const echecFinal = new sfn.Fail(scope, 'CircuitEnEchec', {
    stateName: N.echecFinal,
    error: 'Dossier.Echec',
    cause: "Une tâche du circuit a échoué ; l'échec est inscrit dans la piste d'audit du dossier.",
  });
  const echec = new tasks.LambdaInvoke(scope, 'EnregistrerEchec', {
    stateName: N.echec,
    lambdaFunction: fns.echec,
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    payload: sfn.TaskInput.fromObject({
      dossierId: sfn.JsonPath.stringAt('$.dossierId'),
      execution: sfn.JsonPath.stringAt('$$.Execution.Name'),
      etat: sfn.JsonPath.objectAt('$'),
    }),
    taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
    resultPath: sfn.JsonPath.DISCARD,
  });
  echec.addRetry({ ...RETRY, errors: [...TRANSIENT_ERRORS, sfn.Errors.TIMEOUT] });
  echec.addCatch(echecFinal, { errors: [sfn.Errors.ALL], resultPath: '$.erreurEnregistrement' });
  echec.next(echecFinal);

  /** A Lambda task of the circuit: time limit, retries with backoff, any other failure recorded. */
  const lambdaTask = (
    id: string,
    stateName: string,
    fn: lambda.IFunction,
    payload: Record<string, unknown>,
    resultPath: string,
  ) => {
    const t = new tasks.LambdaInvoke(scope, id, {
      stateName,
      lambdaFunction: fn,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({ dossierId: sfn.JsonPath.stringAt('$.dossierId'), ...payload }),
      taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
      resultPath,
    });
    t.addRetry({ ...RETRY, errors: [...TRANSIENT_ERRORS, sfn.Errors.TIMEOUT] });
    t.addCatch(echec, { errors: [sfn.Errors.ALL], resultPath: '$.erreur' });
    return t;
  };

  const charger = lambdaTask('ChargerDossier', N.charger, fns.charger, {}, '$.dossier');
  const ouEnEst = new sfn.Choice(scope, 'OuEnEst', { stateName: N.ouEnEst });
  const issueTacite = lambdaTask(
    'AppliquerIssueTacite',
    N.issueTacite,
    fns.issueTacite,
    { step: sfn.JsonPath.stringAt('$.dossier.step'), version: sfn.JsonPath.numberAt('$.dossier.version') },
    '$.dossier',
  );
  const transmettre = lambdaTask('Transmettre', N.transmettre, fns.transmettre, {}, '$.dossier');
  const clore = lambdaTask(
    'CloreDossier',
    N.clore,
    fns.clore,
    { execution: sfn.JsonPath.stringAt('$$.Execution.Name') },
    sfn.JsonPath.DISCARD,
  );
  const clos = new sfn.Succeed(scope, 'DossierClos', { stateName: N.clos });
  const etapeInconnue = new sfn.Pass(scope, 'EtapeInconnue', {
    stateName: N.etapeInconnue,
    parameters: {
      Error: 'Dossier.EtapeInconnue',
      'Cause.$': "States.Format('Étape sans attente dans le circuit : {}', $.dossier.step)",
    },
    resultPath: '$.erreur',
  });

  /**
   * A person's step: wait for the decision until the deadline the data gives; the decision hands back the dossier's
   * new situation with the token (`$.dossier`), the passing of the deadline applies the rule.
   */
  const humanWait = (step: keyof typeof DOSSIER_WAIT_STATES) => {
    const t = new tasks.LambdaInvoke(scope, `Attente${step}`, {
      stateName: DOSSIER_WAIT_STATES[step],
      lambdaFunction: fns.enregistrerAttente,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({
        taskToken: sfn.JsonPath.taskToken,
        dossierId: sfn.JsonPath.stringAt('$.dossierId'),
        step: sfn.JsonPath.stringAt('$.dossier.step'),
        version: sfn.JsonPath.numberAt('$.dossier.version'),
      }),
      // The deadline from shared/domain, as seconds left (the situation read or handed back)
      taskTimeout: sfn.Timeout.at('$.dossier.timeoutSeconds'),
      resultPath: '$.dossier',
    });
    // Retry the recording of the token only; a deadline passing is not a failure (no States.Timeout here)
    t.addRetry({ ...RETRY, errors: [...TRANSIENT_ERRORS] });
    t.addCatch(charger, { errors: [STALE_WAIT_ERROR], resultPath: sfn.JsonPath.DISCARD });
    t.addCatch(issueTacite, { errors: [sfn.Errors.TIMEOUT], resultPath: sfn.JsonPath.DISCARD });
    t.addCatch(echec, { errors: [sfn.Errors.ALL], resultPath: '$.erreur' });
    t.next(ouEnEst);
    return t;
  };

  // The piece that has just reached the service financier is transmitted first; a situation without a step (a wait
  // released without one) is read again from the dossier
  ouEnEst
    .when(sfn.Condition.booleanEquals('$.dossier.aTransmettre', true), transmettre)
    .when(sfn.Condition.booleanEquals('$.dossier.closed', true), clore)
    .when(sfn.Condition.booleanEquals('$.dossier.delaiExpire', true), issueTacite)
    .when(sfn.Condition.isNotPresent('$.dossier.step'), charger);
  for (const step of Object.keys(DOSSIER_WAIT_STATES) as (keyof typeof DOSSIER_WAIT_STATES)[]) {
    ouEnEst.when(sfn.Condition.stringEquals('$.dossier.step', step), humanWait(step));
  }
  ouEnEst.otherwise(etapeInconnue);
  etapeInconnue.next(echec);

  issueTacite.next(ouEnEst);
  transmettre.next(ouEnEst);
  clore.next(clos);

  // On entry (first deposit, resume, a stale wait) the dossier is read and its clock recorded, then it goes to its wait
  return charger.next(ouEnEst);
}
