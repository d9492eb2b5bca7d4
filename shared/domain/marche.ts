import { z } from 'zod';
import { ROLES } from './roles';

/**
 * The fiche d'identité du marché (DOMAIN.md §3). SHAPE IS A CONTRACT used by circuits, workflows and the API:
 * refinements (cross-field checks) may be added, fields may be added, existing fields keep their meaning.
 * Money fields are integer cents; rates are basis points (1 % = 100) to stay exact.
 */
export const marcheActeurSchema = z.object({
  role: z.enum(ROLES),
  siret: z.string(),
  raisonSociale: z.string().min(1),
  codeService: z.string().optional(),
  engagementJuridique: z.string().optional(),
  /** SOUS_TRAITANT only. */
  paiementDirect: z.boolean().optional(),
  montantSousTraiteTtcCents: z.number().int().optional(),
  /** SOUS_TRAITANT and COTRAITANT: SIRET of the structure that validates its pieces first (titulaire / cotraitant). */
  valideurSiret: z.string().optional(),
  /** Second validation (mandataire) for a sous-traitant of a cotraitant. */
  valideur2Siret: z.string().optional(),
});
export type MarcheActeur = z.infer<typeof marcheActeurSchema>;

export const marcheSchema = z.object({
  id: z.string().min(1),
  numeroMarche: z.string().min(1),
  objet: z.string().min(1),
  lots: z.array(z.string()).default([]),
  ccagVersion: z.enum(['2009', '2021']),
  acteurs: z.array(marcheActeurSchema).min(1),
  groupement: z.object({
    mode: z.enum(['NONE', 'CONJOINT', 'SOLIDAIRE']),
    cotraitantBilling: z.enum(['OWN_PIECES_WITH_MANDATAIRE_VALIDATION', 'MANDATAIRE_GLOBAL']).default('OWN_PIECES_WITH_MANDATAIRE_VALIDATION'),
  }),
  montantInitialHtCents: z.number().int().nonnegative(),
  tauxTvaBp: z.array(z.number().int().nonnegative()).min(1),
  retenueGarantieBp: z.number().int().nonnegative(),
  avance: z.object({ tauxBp: z.number().int().nonnegative(), remboursementDebutBp: z.number().int().nonnegative().optional() }).optional(),
  dgpJours: z.number().int().positive(),
  delaiMoeJours: z.number().int().positive().default(7),
  receptionDemandesPaiement: z.enum(['MOE', 'MOA']).default('MOE'),
  dateNotification: z.string().optional(),
});
export type Marche = z.infer<typeof marcheSchema>;
