import type { Marche } from '../marche';
import {
  deadlineInstant,
  delaiComplement,
  delaiEcheanceDgp,
  delaiExamenMoe,
  delaiNotificationDecompteGeneral,
  delaiReponseProjetDgTacite,
  delaiSignatureDecompteGeneral,
  delaiValidation,
  reminderInstant,
} from './deadlines';
import { guard, participants } from './permissions';
import { refusal } from './refusals';
import {
  type CircuitOptions,
  circuitOptionsOf,
  DEFAULT_CIRCUIT_OPTIONS,
  type DeadlineBasis,
  type Dossier,
  type OpenState,
  type PendingAction,
  type PendingActor,
  type TimeoutRule,
} from './types';

const RETARD_DGP: TimeoutRule = {
  effect: 'RETARD_SIGNALE',
  description:
    "Aucun effet tacite : l'échéance du délai global de paiement est dépassée (intérêts moratoires dus) ; le dossier est signalé en retard et l'attente continue.",
};
const RETARD_COMPLEMENT: TimeoutRule = {
  effect: 'RETARD_SIGNALE',
  description:
    "Aucun effet tacite : le délai de paiement reste suspendu ; le dossier est signalé en retard et l'attente des documents continue.",
};

/** The deadline of the current wait and what passing it does; null deadline when none runs. */
export function currentDeadline(
  d: Dossier,
  options: CircuitOptions = DEFAULT_CIRCUIT_OPTIONS,
): { deadline: DeadlineBasis | null; onTimeout: TimeoutRule | null } {
  const none = { deadline: null, onTimeout: null };
  const solde = d.solde;
  const late = (deadline: DeadlineBasis | null, onTimeout: TimeoutRule) =>
    d.wait.lateSince !== null || deadline === null ? none : { deadline, onTimeout };
  const dgp = d.dgp ? delaiEcheanceDgp(d.dgp) : null;
  switch (d.state) {
    case 'VALIDATION_1':
    case 'VALIDATION_2':
      return {
        deadline: delaiValidation(d.wait.since),
        onTimeout: {
          effect: 'ACCEPTATION_TACITE',
          description:
            'Le silence du valideur vaut acceptation (CCP R2193-13) : la pièce est transmise et le délai de paiement du sous-traitant court.',
        },
      };
    case 'EXAMEN_MOE':
      return {
        deadline: delaiExamenMoe(d.params, d.wait.since),
        onTimeout: {
          effect: 'ABSENCE_VALIDATION_MOE',
          description:
            "Le maître d'œuvre n'a pas statué dans son délai réglementaire (absence de validation) : le fournisseur peut saisir directement le maître d'ouvrage.",
        },
      };
    case 'ETABLISSEMENT_PROJET_DG_MOE':
    case 'NOTIFICATION_DG_MOA':
      if (!solde?.pdfRecuMoeLe || !solde.pdfRecuMoaLe) return none;
      return {
        deadline: delaiNotificationDecompteGeneral(d.params.ccagVersion, solde.pdfRecuMoeLe, solde.pdfRecuMoaLe),
        onTimeout: {
          effect: 'DG_NON_NOTIFIE',
          description:
            "Décompte général non notifié dans le délai : le titulaire peut notifier au maître d'ouvrage un projet de décompte général signé (A22, procédure tacite).",
        },
      };
    case 'REPONSE_MOA_PROJET_DG_TACITE':
      if (!solde?.projetDgTaciteLe) return none;
      return {
        deadline: delaiReponseProjetDgTacite(d.params.ccagVersion, solde.projetDgTaciteLe),
        onTimeout: {
          effect: 'DGD_TACITE',
          description:
            'Sans décompte général notifié, le projet du titulaire devient le décompte général et définitif tacite ; le délai de paiement court le lendemain.',
        },
      };
    case 'SIGNATURE_DG_TITULAIRE':
      if (!solde?.dgNotifieLe) return none;
      return {
        deadline: delaiSignatureDecompteGeneral(d.params.ccagVersion, solde.dgNotifieLe),
        onTimeout: {
          effect: 'DGD_PAR_SILENCE',
          description:
            'Le silence du titulaire vaut acceptation : le décompte général devient le décompte général et définitif et part en paiement.',
        },
      };
    case 'COMPLEMENT_FOURNISSEUR':
      return late(delaiComplement(d.wait.since, options.delaiComplementJours), RETARD_COMPLEMENT);
    case 'MOE_HORS_DELAI':
    case 'VALIDATION_MOA':
    case 'DEPOT_ETAT_ACOMPTE_VALIDE':
    case 'TRAITEMENT_SERVICE_FINANCIER':
    case 'RECYCLAGE':
    case 'DEPOT_DGD_TACITE':
      return late(dgp, RETARD_DGP);
    case 'DG_NON_NOTIFIE':
    case 'CLOS':
      return none;
  }
}

/**
 * The pending wait of a dossier, rebuilt from the dossier alone (a lost workflow resumes from the database):
 * who must act, which actions are open to whom, until when, and what the system does when the deadline passes.
 */
export function pendingActionOf(
  marche: Marche,
  dossier: Dossier,
  options: CircuitOptions = circuitOptionsOf(marche),
): PendingAction | null {
  if (marche.id !== dossier.marcheId) {
    throw refusal(
      'MARCHE_INCOHERENT',
      `Le dossier ${dossier.id} appartient au marché ${dossier.marcheId}, pas au marché ${marche.id}.`,
    );
  }
  if (dossier.closed || dossier.state === 'CLOS') return null;
  const actors: PendingActor[] = participants(dossier)
    .map((p) => ({
      actorSiret: p.party.siret,
      actorRole: p.party.role,
      allowedActions: p.actions.filter((a) => guard(dossier, a) === null),
    }))
    .filter((p) => p.allowedActions.length > 0);
  const [primary, ...others] = actors;
  if (!primary) return null;
  const { deadline, onTimeout } = currentDeadline(dossier, options);
  const reminder = deadline ? reminderInstant(deadline.lastDay, dossier.wait.since, options.reminderDaysBefore) : null;
  return {
    dossierId: dossier.id,
    dossierVersion: dossier.version,
    step: dossier.state as OpenState,
    since: dossier.wait.since,
    ...primary,
    otherActors: others,
    lastDay: deadline?.lastDay ?? null,
    deadlineAt: deadline ? deadlineInstant(deadline.lastDay).toISOString() : null,
    reminderAt: reminder ? reminder.toISOString() : null,
    deadline,
    onTimeout,
    lateSince: dossier.wait.lateSince,
  };
}
