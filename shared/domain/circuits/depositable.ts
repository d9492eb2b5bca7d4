import { CADRES } from '../cadres';
import type { Role } from '../roles';
import { CADRES_NON_GERES, type CadreCode, OPENING_CADRES } from './cadres';
import { ROLE_LABELS } from './labels';
import type { CircuitKind } from './organisation';

/**
 * Which cadres a structure may use now to open a dossier on a marché, and why the others are not offered
 * (docs/rules/cadres.md, docs/rules/circuits.md): the same rules as the checks of a new draft and of its sending
 * (pieces.ts `checkDraftCadre`, open.ts `checkCadre` / `checkCadreFitsCircuit`), read beforehand so that a depositor
 * picks among allowed cadres instead of meeting a refusal.
 */

/** Why a cadre is not offered: the first rule that excludes it. */
export type NonDepositableReason =
  | 'CADRE_NON_GERE' // unconfirmed cadre, behind its flag (A11)
  | 'ROLE' // another role deposits it
  | 'PIECE_SUIVANTE' // deposited in association with the previous piece of an open dossier
  | 'CIRCUIT'; // A4 without a MOE, A5 with one

export interface DepositableCadre {
  readonly code: CadreCode;
  readonly label: string;
  readonly depositable: boolean;
  /** One line in French: what the piece is for (when offered) or why it is not offered. */
  readonly explanation: string;
  readonly reason?: NonDepositableReason;
}

/** One line per opening cadre: what the depositor sends, and who receives it first (docs/rules/circuits.md). */
const OPENING_EXPLANATIONS: Readonly<Partial<Record<CadreCode, string>>> = {
  A4: 'Votre demande de paiement du mois : le maître d’œuvre la vérifie et en tire l’état d’acompte.',
  A5: 'Votre état d’acompte, adressé au maître d’ouvrage (marché sans maître d’œuvre).',
  A7: 'En fin de chantier, dans les 30 jours de la réception notifiée : ouvre le dossier du solde.',
  A9: 'Votre facture de sous-traitant en paiement direct : le titulaire la valide sous 15 jours, puis elle suit le circuit du marché.',
  A10: 'Votre projet de décompte mensuel de sous-traitant : le titulaire le valide sous 15 jours, puis le maître d’œuvre.',
  A12: 'Votre facture de cotraitant : le mandataire la valide, puis elle suit le circuit du marché.',
  A13: 'Votre projet de décompte mensuel de cotraitant : le mandataire le valide, puis le maître d’œuvre.',
  A14: 'Votre projet de décompte final de cotraitant : le mandataire le valide, puis il rejoint le solde.',
};

// « le titulaire » → « au titulaire »: every role label is masculine and starts with a consonant
const depositors = (roles: readonly Role[]) => roles.map((r) => ROLE_LABELS[r].replace(/^le /, 'au ')).join(' ou ');

/**
 * Every works cadre (table order) for a structure holding `roles` on a marché run by `circuit`: offered or not, with
 * its one-line explanation. A structure with no role on the marché is offered nothing.
 */
export function depositableCadres(roles: readonly Role[], circuit: CircuitKind): DepositableCadre[] {
  return CADRES.map((c) => {
    const code = c.code as CadreCode;
    const base = { code, label: c.label };
    const no = (reason: NonDepositableReason, explanation: string): DepositableCadre => ({
      ...base,
      depositable: false,
      reason,
      explanation,
    });
    // docs/rules/cadres.md: A11 is unconfirmed, behind a flag that this circuit does not run
    if (CADRES_NON_GERES.includes(code) || c.featureFlag !== undefined) {
      return no('CADRE_NON_GERE', 'Cadre non confirmé par la documentation de Chorus Pro : il n’est pas proposé.');
    }
    // docs/rules/cadres.md: a depositor may only use the cadres of its role
    if (!c.depositorRoles.some((r) => roles.includes(r))) {
      return no('ROLE', `Réservé ${depositors(c.depositorRoles)} du marché.`);
    }
    // docs/rules/circuits.md: later pieces are deposited in association with the previous one
    if (!OPENING_CADRES[code]) {
      return no(
        'PIECE_SUIVANTE',
        'Se dépose depuis le dossier concerné, en réponse à la pièce précédente : il n’ouvre pas de dossier.',
      );
    }
    // docs/rules/circuits.md: without a MOE the titulaire's état d'acompte (A5) opens the dossier, with one the PDM (A4)
    if (circuit === 'SANS_MOE' && code === 'A4') {
      return no('CIRCUIT', 'Ce marché n’a pas de maître d’œuvre : déposez votre état d’acompte (A5).');
    }
    if (circuit !== 'SANS_MOE' && code === 'A5') {
      return no(
        'CIRCUIT',
        'Ce marché a un maître d’œuvre : déposez le projet de décompte mensuel (A4), dont il tire l’état d’acompte.',
      );
    }
    return { ...base, depositable: true, explanation: OPENING_EXPLANATIONS[code] ?? c.label };
  });
}
