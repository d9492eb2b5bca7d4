import type { Marche, MarcheActeur } from '../marche';
import type { Role } from '../roles';
import { refusal } from './refusals';
import type { DossierOrigin, DossierParties, Party } from './types';

/**
 * Who acts on a dossier, read once from the fiche d'identité du marché when the dossier opens (docs/rules/actors.md, docs/rules/marche.md)
 * and kept on the dossier, so that its waits can be rebuilt from the dossier alone.
 */

function first(marche: Marche, roles: readonly Role[]): MarcheActeur | undefined {
  for (const role of roles) {
    const found = marche.acteurs.find((a) => a.role === role);
    if (found) return found;
  }
  return undefined;
}

function required(marche: Marche, roles: readonly Role[], what: string): MarcheActeur {
  const acteur = first(marche, roles);
  if (!acteur) {
    throw refusal(
      'MARCHE_INCOMPLET',
      `La fiche du marché ne désigne pas ${what} : complétez-la avant de déposer une pièce.`,
      [{ path: 'acteurs', message: `${what} manquant` }],
    );
  }
  return acteur;
}

/** The titulaire side: the mandataire of a groupement, else the titulaire (docs/rules/actors.md). */
function titulaireOf(marche: Marche): Party {
  const a = required(marche, ['MANDATAIRE', 'TITULAIRE'], 'de titulaire ni de mandataire');
  return { siret: a.siret, role: a.role };
}

/** The structure `siret` in the first of `roles` it holds on the marché. */
function partyFor(marche: Marche, siret: string, roles: readonly Role[], what: string): Party {
  for (const role of roles) {
    if (marche.acteurs.some((a) => a.siret === siret && a.role === role)) return { siret, role };
  }
  throw refusal(
    'MARCHE_INCOMPLET',
    `Le ${what} désigné (SIRET ${siret}) n'est pas un acteur du marché dans un rôle qui valide : corrigez la fiche du marché.`,
    [{ path: 'acteurs', message: `${what} ${siret} introuvable` }],
  );
}

export function resolveParties(
  marche: Marche,
  origin: DossierOrigin,
  depositor: Party,
): Pick<DossierParties, 'fournisseur' | 'titulaire' | 'valideurs' | 'moe' | 'moa' | 'serviceFinancier'> {
  // Circuit SANS_MOE (organisation.ts): a marché may name no maître d'œuvre; the MOA then examines the pieces
  const moe = first(marche, ['MOE']);
  const moa = required(marche, ['MOA'], "maître d'ouvrage");
  const sf = required(marche, ['SERVICE_FINANCIER'], 'service financier');
  const common = {
    fournisseur: depositor,
    moe: moe ? { siret: moe.siret, role: 'MOE' as const } : null,
    moa: { siret: moa.siret, role: 'MOA' as const },
    serviceFinancier: {
      siret: sf.siret,
      ...(sf.codeService !== undefined ? { codeService: sf.codeService } : {}),
      ...(sf.engagementJuridique !== undefined ? { engagementJuridique: sf.engagementJuridique } : {}),
    },
  };

  if (origin === 'TITULAIRE') return { ...common, titulaire: depositor, valideurs: [] };

  const titulaire = titulaireOf(marche);
  if (origin === 'SOUS_TRAITANT') {
    const acteur = marche.acteurs.find((a) => a.role === 'SOUS_TRAITANT' && a.siret === depositor.siret);
    // CCP R2193-10: only a 1st-rank sous-traitant in paiement direct bills the buyer (docs/rules/actors.md)
    if (acteur?.paiementDirect !== true) {
      throw refusal(
        'SOUS_TRAITANT_SANS_PAIEMENT_DIRECT',
        "Ce sous-traitant n'est pas désigné en paiement direct sur ce marché : il facture le titulaire, pas l'acheteur public. Faites compléter la fiche du marché si le paiement direct a été accepté.",
      );
    }
    // Sous-traitant of a cotraitant: the cotraitant validates first, the mandataire second (docs/rules/circuits.md#validation)
    const valideur2 = acteur.valideur2Siret;
    const valideur1 = partyFor(
      marche,
      acteur.valideurSiret ?? titulaire.siret,
      valideur2 ? ['COTRAITANT', 'MANDATAIRE', 'TITULAIRE'] : ['TITULAIRE', 'MANDATAIRE', 'COTRAITANT'],
      'valideur',
    );
    const valideurs = valideur2
      ? [valideur1, partyFor(marche, valideur2, ['MANDATAIRE', 'TITULAIRE'], 'second valideur')]
      : [valideur1];
    return { ...common, titulaire, valideurs };
  }

  // Cotraitant: deposits its own pieces only when the groupement bills that way (docs/rules/circuits.md#validation)
  if (marche.groupement.mode === 'NONE') {
    throw refusal(
      'COTRAITANT_NON_AUTORISE',
      "Ce marché n'est pas passé avec un groupement : il n'y a pas de cotraitant qui dépose ses pièces.",
    );
  }
  if (marche.groupement.cotraitantBilling === 'MANDATAIRE_GLOBAL') {
    throw refusal(
      'COTRAITANT_NON_AUTORISE',
      'Sur ce marché, le mandataire présente une demande globale pour tout le groupement (A4, A7) : transmettez-lui votre demande.',
    );
  }
  const acteur = marche.acteurs.find((a) => a.role === 'COTRAITANT' && a.siret === depositor.siret);
  const valideur = partyFor(
    marche,
    acteur?.valideurSiret ?? titulaire.siret,
    ['MANDATAIRE', 'TITULAIRE'],
    'mandataire',
  );
  return { ...common, titulaire, valideurs: [valideur] };
}
