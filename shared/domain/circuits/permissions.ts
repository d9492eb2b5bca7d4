import type { DomainError } from '../errors';
import type { ActionType } from './actions';
import { miseEnPaiementRemontee, moaStepHolder, moeOf } from './organisation';
import { refusal } from './refusals';
import type { Dossier, Party, Piece } from './types';

/**
 * Who may do what, in which state: the one table of the circuits (docs/rules/actors.md, docs/rules/circuits.md). `transition` authorizes with
 * it and `pendingActionOf` publishes it, so that what a screen offers is exactly what the machine accepts.
 */
export interface Participant {
  readonly party: Party;
  readonly actions: readonly ActionType[];
}

export function currentPiece(d: Dossier): Piece {
  const piece = d.pieces.find((p) => p.id === d.currentPieceId);
  if (!piece) throw new Error(`dossier ${d.id}: current piece ${d.currentPieceId} missing`);
  return piece;
}

/** The pending projet de décompte général (A17) of a solde, if the MOE has deposited one. */
export function projetDgMoe(d: Dossier): Piece | undefined {
  return d.pieces.find((p) => p.cadre === 'A17' && p.status === 'MISE_A_DISPOSITION_MOA');
}

function serviceFinancierOf(d: Dossier): Party {
  const addressee = currentPiece(d).destinataire ?? d.parties.serviceFinancier;
  return { siret: addressee.siret, role: 'SERVICE_FINANCIER' };
}

function depositorOf(piece: Piece): Party {
  return { siret: piece.depositorSiret, role: piece.depositorRole };
}

const SF_ACTIONS: readonly ActionType[] = [
  'SERVICE_FAIT',
  'MANDATER',
  'METTRE_EN_PAIEMENT',
  'SUSPENDRE',
  'METTRE_A_RECYCLER',
  'REJETER',
];

/** CCP R2192-27: the holder of the MOA's step may suspend the DGP, once per dossier (shared with the SF). */
function validationMoa(d: Dossier): Participant {
  const holder = moaStepHolder(d);
  if (currentPiece(d).cadre === 'A5') {
    return { party: holder, actions: ['VALIDER_ETAT_ACOMPTE_FOURNISSEUR', 'REFUSER_MOA', 'SUSPENDRE'] };
  }
  // A MOE validating for the MOA had its chance to refuse when it examined the PDM
  if (holder.role === 'MOE') return { party: holder, actions: ['VALIDER_ETAT_ACOMPTE', 'SUSPENDRE'] };
  return { party: holder, actions: ['VALIDER_ETAT_ACOMPTE', 'REFUSER_MOA', 'SUSPENDRE'] };
}

/** The one who suspended may still end the dossier while the documents are awaited. */
function suspender(d: Dossier): Participant {
  if (d.suspension?.resumeState === 'VALIDATION_MOA') {
    const holder = moaStepHolder({ ...d, state: 'VALIDATION_MOA' });
    return holder.role === 'MOA' ? { party: holder, actions: ['REFUSER_MOA'] } : { party: holder, actions: [] };
  }
  return { party: serviceFinancierOf(d), actions: ['REJETER'] };
}

/** Everyone who may act in the dossier's state, the one whose wait it is first. */
export function participants(d: Dossier): readonly Participant[] {
  const { parties } = d;
  switch (d.state) {
    // CCP R2193-12: the valideur accepts or refuses with reasons
    case 'VALIDATION_1':
      return [{ party: parties.valideurs[0]!, actions: ['VALIDER', 'REFUSER'] }];
    case 'VALIDATION_2':
      return [{ party: parties.valideurs[1]!, actions: ['VALIDER', 'REFUSER'] }];
    // CCAG-T 2014 art. 13.2.1, 13.2.2: the MOE accepts or corrects; refusal only for non-amount reasons
    case 'EXAMEN_MOE':
      return [{ party: moeOf(d), actions: ['DEPOSER_ETAT_ACOMPTE', 'REFUSER_MOE'] }];
    // CCAG-T 2014 art. 13.2.2: MOE silent, the titulaire tells the MOA; the late MOE may still act
    case 'MOE_HORS_DELAI':
      return [
        { party: parties.fournisseur, actions: ['SAISIR_MOA_DIRECTEMENT'] },
        { party: moeOf(d), actions: ['DEPOSER_ETAT_ACOMPTE', 'REFUSER_MOE'] },
      ];
    case 'VALIDATION_MOA':
      return [validationMoa(d)];
    case 'DEPOT_ETAT_ACOMPTE_VALIDE':
      return [{ party: parties.fournisseur, actions: ['DEPOSER_ETAT_ACOMPTE_VALIDE'] }];
    // A buyer that does not report the mise en paiement ends the circuit at the mandatement
    case 'TRAITEMENT_SERVICE_FINANCIER':
      return [
        {
          party: serviceFinancierOf(d),
          actions: miseEnPaiementRemontee(d) ? SF_ACTIONS : SF_ACTIONS.filter((a) => a !== 'METTRE_EN_PAIEMENT'),
        },
      ];
    // CCP R2192-28: the fournisseur answers the suspension; the service financier may still reject (assumption H12)
    case 'COMPLEMENT_FOURNISSEUR':
      return [{ party: parties.fournisseur, actions: ['COMPLETER'] }, suspender(d)];
    // Chorus Pro « recycler »: the depositor of the piece re-addresses it
    case 'RECYCLAGE':
      return [{ party: depositorOf(currentPiece(d)), actions: ['RECYCLER'] }];
    case 'ETABLISSEMENT_PROJET_DG_MOE':
      return [{ party: moeOf(d), actions: ['DEPOSER_PROJET_DECOMPTE_GENERAL', 'REFUSER_MOE'] }];
    case 'NOTIFICATION_DG_MOA':
      return [{ party: moaStepHolder(d), actions: ['NOTIFIER_DECOMPTE_GENERAL'] }];
    // CCAG-T 2014 art. 13.4.4: the titulaire may start the tacit procedure; a late MOE / MOA may still act
    case 'DG_NON_NOTIFIE':
      return [
        { party: parties.titulaire, actions: ['DEPOSER_PROJET_DG_TACITE'] },
        projetDgMoe(d) || !parties.moe
          ? { party: moaStepHolder(d), actions: ['NOTIFIER_DECOMPTE_GENERAL'] }
          : { party: parties.moe, actions: ['DEPOSER_PROJET_DECOMPTE_GENERAL'] },
      ];
    case 'REPONSE_MOA_PROJET_DG_TACITE':
      return [{ party: moaStepHolder(d), actions: ['NOTIFIER_DECOMPTE_GENERAL'] }];
    // CCAG-T 2014 art. 13.4.3, 13.5: the titulaire (mandataire of a groupement) answers the DG
    case 'SIGNATURE_DG_TITULAIRE':
      return [{ party: parties.titulaire, actions: ['SIGNER_DG', 'SIGNER_DG_AVEC_RESERVES', 'REFUSER_DG'] }];
    // docs/rules/cadres.md: the tacit DGD is deposited by the titulaire (A23), the MOE (A24) or the MOA (A25)
    case 'DEPOT_DGD_TACITE':
      return [
        { party: parties.titulaire, actions: ['DEPOSER_DGD_TACITE'] },
        ...(parties.moe ? [{ party: parties.moe, actions: ['DEPOSER_DGD_TACITE'] } as Participant] : []),
        { party: parties.moa, actions: ['DEPOSER_DGD_TACITE'] },
      ];
    case 'CLOS':
      return [];
  }
}

/** CCP R2192-27: one suspension per dossier, whoever used it (the MOA or the service financier). */
function suspensionUsed(): DomainError {
  return refusal(
    'SUSPENSION_DEJA_UTILISEE',
    'Le délai de paiement de ce dossier a déjà été suspendu une fois (par le maître d’ouvrage ou le service financier) : une seconde suspension est interdite (CCP R2192-27). Traitez la pièce, ou rejetez-la.',
  );
}

/**
 * Conditions inside a state that an allowed actor's action must also meet; null when met. Checked after the
 * actor is authorized, so that a refusal names the right fault.
 */
export function guard(d: Dossier, type: ActionType): DomainError | null {
  if (d.state === 'VALIDATION_MOA' && type === 'SUSPENDRE' && d.suspensionUsed) return suspensionUsed();
  if (d.state !== 'TRAITEMENT_SERVICE_FINANCIER') return null;
  const mandatee = d.status === 'MANDATEE';
  switch (type) {
    case 'SUSPENDRE':
      // CCP R2192-27: once only
      if (d.suspensionUsed) return suspensionUsed();
      // CCP R2192-27: before the payment order (ordonnancement)
      if (mandatee) {
        return refusal(
          'SUSPENSION_APRES_MANDATEMENT',
          'La pièce est déjà mandatée : la suspension n’est possible qu’avant l’ordonnancement (CCP R2192-27).',
        );
      }
      return null;
    case 'SERVICE_FAIT':
      return d.status === 'MISE_A_DISPOSITION' || d.status === 'COMPLETEE'
        ? null
        : refusal(
            'ACTION_NON_AUTORISEE_DANS_CET_ETAT',
            `Le service fait ne peut plus être constaté : la pièce est au statut ${d.status}. Poursuivez par le mandatement ou la mise en paiement.`,
          );
    case 'MANDATER':
    case 'METTRE_A_RECYCLER':
    case 'REJETER':
      return mandatee
        ? refusal(
            'ACTION_NON_AUTORISEE_DANS_CET_ETAT',
            'La pièce est déjà mandatée : il ne reste qu’à la mettre en paiement.',
          )
        : null;
    default:
      return null;
  }
}
