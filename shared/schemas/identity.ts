import * as z from 'zod';
import type { DirectoryEntry, Stored } from '../domain/records';
import { SPACE_MODES, SPACES } from '../domain/roles';
import {
  type DirectoryParams,
  type Membership,
  type MembershipRole,
  type MembershipStatus,
  passwordExpiresAt,
  type Structure,
  type StructureService,
  type TechnicalAccount,
  type User,
} from '../domain/structures';
import { SIRET_TEXT_MAX, siret, version } from './common';

/**
 * Wire forms of structures, users and attachments (docs/rules/structures.md#managers), French field names. Request schemas carry no
 * rule beyond types: the rule book (shared/domain/structures) decides and names the fault (SIRET_CLE_INVALIDE,
 * MOT_DE_PASSE_TROP_FAIBLE…). Response schemas describe the wire exactly; `to…Json` build them.
 */

const iso = /* @__PURE__ */ z.iso.datetime({ offset: true }).meta({ description: 'Instant ISO 8601 (UTC).' });

/** A user id: the subject (`sub`) of the access token, e.g. a Cognito UUID. */
export const userId = /* @__PURE__ */ z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@-]+$/, { message: 'Identifiant d’utilisateur invalide.' })
  .meta({ description: 'Identifiant de l’utilisateur (sujet « sub » de son jeton d’accès).' });

/** SIRET in a request body: any string, checked by the rule book (codes SIRET_FORMAT, SIRET_CLE_INVALIDE). */
export const siretText = /* @__PURE__ */ z
  .string()
  .max(SIRET_TEXT_MAX)
  .meta({ description: 'SIRET : 14 chiffres, clé de Luhn valide.', examples: ['21300202500012'] });

export const espace = /* @__PURE__ */ z.enum(SPACES).meta({
  id: 'Espace',
  description: '« Factures de travaux » (FACTURES_TRAVAUX) ou « Factures à valider » (FACTURES_A_VALIDER).',
});
export const modeEspace = /* @__PURE__ */ z.enum(SPACE_MODES).meta({
  id: 'ModeEspace',
  description: 'CONSULTATION : lire ; MODIFICATION : lire et agir.',
});

export const abonnementEspace = /* @__PURE__ */ z
  .object({ espace, mode: modeEspace })
  .meta({ id: 'AbonnementEspace', description: 'Abonnement d’un utilisateur à un espace de sa structure.' });

export const parametresAnnuaire = /* @__PURE__ */ z
  .object({
    codeServiceObligatoire: z.boolean(),
    engagementObligatoire: z.boolean().meta({ description: 'Numéro d’engagement juridique obligatoire.' }),
    moaPresente: z.boolean().meta({ description: 'Structure avec maîtrise d’ouvrage.' }),
    statutMiseEnPaiementRemonte: z.boolean().meta({ description: 'Le statut « mise en paiement » est remonté.' }),
  })
  .meta({
    id: 'ParametresAnnuaire',
    description: 'Paramètres d’annuaire d’une structure publique (tous faux pour une structure privée).',
  });

export const service = /* @__PURE__ */ z
  .object({ code: z.string(), libelle: z.string(), active: z.boolean() })
  .meta({ id: 'Service', description: 'Service (code service) d’une structure.' });

export const compteTechnique = /* @__PURE__ */ z
  .object({
    login: z.string(),
    motDePasseModifieLe: iso,
    expireLe: iso.meta({ description: 'Le mot de passe doit être changé avant cet instant (424 jours).' }),
    clientId: z.string().optional().meta({
      description: 'Client machine à machine (OAuth 2, client credentials) du compte technique, s’il existe.',
    }),
  })
  .meta({ id: 'CompteTechnique', description: 'Compte technique (API) de la structure ; jamais son mot de passe.' });

export const structureJson = /* @__PURE__ */ z
  .object({
    siret: z.string(),
    raisonSociale: z.string(),
    type: z.enum(['PUBLIC', 'PRIVE']),
    active: z.boolean(),
    services: z.array(service),
    parametresAnnuaire,
    espaces: z.array(espace).meta({ description: 'Espaces activés pour la structure.' }),
    creeLe: iso,
    desactiveeLe: iso.optional(),
    siretOrigine: z.string().optional().meta({ description: 'SIRET remplacé (structure créée par changement).' }),
    siretSuccesseur: z.string().optional().meta({ description: 'SIRET qui la remplace (structure désactivée).' }),
    compteTechnique: compteTechnique.optional().meta({ description: 'Visible des membres de la structure.' }),
    historiqueGestionnairePrincipal: z
      .array(
        z
          .object({
            le: iso,
            ancien: z.string().meta({ description: 'Identifiant de l’ancien gestionnaire principal.' }),
            nouveau: z
              .string()
              .nullable()
              .meta({ description: 'Identifiant du nouveau ; null : aucun gestionnaire secondaire actif.' }),
            motif: z.enum(['DESACTIVATION', 'TRANSFERT']),
          })
          .meta({ id: 'ChangementGestionnairePrincipal' }),
      )
      .optional()
      .meta({ description: 'Changements de gestionnaire principal, le plus récent en dernier. Visible des membres.' }),
    version,
  })
  .meta({ id: 'Structure' });

const STATUT: Record<MembershipStatus, 'EN_ATTENTE' | 'ACCEPTE' | 'REFUSE'> = {
  PENDING: 'EN_ATTENTE',
  APPROVED: 'ACCEPTE',
  REFUSED: 'REFUSE',
};

export const rattachementJson = /* @__PURE__ */ z
  .object({
    siret: z.string(),
    userId: z.string(),
    statut: z.enum(['EN_ATTENTE', 'ACCEPTE', 'REFUSE']),
    role: z.enum(['GESTIONNAIRE_PRINCIPAL', 'GESTIONNAIRE_SECONDAIRE', 'UTILISATEUR']),
    espaces: z.array(abonnementEspace),
    demandeLe: iso,
    decideLe: iso.optional(),
    decidePar: z.string().optional(),
    version,
  })
  .meta({ id: 'Rattachement', description: 'Rattachement d’un utilisateur à une structure (ou sa demande).' });

export const membreJson = rattachementJson
  .extend({
    utilisateur: z
      .object({
        adresseConnexion: z.string(),
        adresseContact: z.string(),
        actif: z.boolean(),
        derniereConnexionLe: iso.optional(),
      })
      .optional()
      .meta({ description: 'Le compte de l’utilisateur rattaché (absent s’il a été supprimé).' }),
  })
  .meta({ id: 'Membre', description: 'Rattachement vu par les gestionnaires de la structure, avec le compte.' });

export const utilisateurJson = /* @__PURE__ */ z
  .object({
    id: z.string(),
    adresseConnexion: z.string().meta({ description: 'Identifie le compte ; ne change jamais.' }),
    adresseContact: z.string().meta({ description: 'Reçoit les notifications.' }),
    actif: z.boolean(),
    creeLe: iso,
    derniereConnexionLe: iso
      .optional()
      .meta({ description: 'Connexion la plus récente (celle en cours, si enregistrée).' }),
    connexionPrecedenteLe: iso
      .optional()
      .meta({ description: 'La connexion d’avant : « Dernière connexion le … » affichée pendant la session.' }),
    version,
  })
  .meta({ id: 'Utilisateur' });

export const moiJson = /* @__PURE__ */ z
  .object({
    utilisateur: utilisateurJson,
    structures: z.array(
      rattachementJson.extend({ raisonSociale: z.string().optional() }).meta({ id: 'MonRattachement' }),
    ),
  })
  .meta({ id: 'Moi', description: 'L’utilisateur connecté, ses structures, ses rôles et ses espaces.' });

export const entreeAnnuaire = /* @__PURE__ */ z
  .object({ siret: z.string(), raisonSociale: z.string(), parametresAnnuaire })
  .meta({ id: 'EntreeAnnuaire' });

// ------------------------------------------------------------------------------------------------ requests

export const creerStructureBody = /* @__PURE__ */ z.object({
  siret: siretText,
  raisonSociale: z.string().min(1).max(200),
  type: z.enum(['PUBLIC', 'PRIVE']),
  services: z
    .array(
      z.object({ code: z.string().min(1).max(100), libelle: z.string().max(200), active: z.boolean().default(true) }),
    )
    .max(200)
    .optional(),
  parametresAnnuaire: parametresAnnuaire.partial().optional(),
  espaces: z.array(espace).max(10).optional(),
});

export const siretParams = /* @__PURE__ */ z.object({ siret });

export const membreParams = /* @__PURE__ */ z.object({ siret, userId });

// ------------------------------------------------------------------------------------------------ mapping

const isoOf = (d: Date | undefined): string | undefined => d?.toISOString();

export function toDirectoryJson(d: DirectoryParams): z.output<typeof parametresAnnuaire> {
  return {
    codeServiceObligatoire: d.codeServiceObligatoire,
    engagementObligatoire: d.engagementObligatoire,
    moaPresente: d.moaPresente,
    statutMiseEnPaiementRemonte: d.statutMiseEnPaiementRemonte,
  };
}

export function toServiceJson(s: StructureService): z.output<typeof service> {
  return { code: s.code, libelle: s.libelle, active: s.active };
}

export function toCompteTechniqueJson(a: TechnicalAccount): z.output<typeof compteTechnique> {
  return {
    login: a.login,
    motDePasseModifieLe: a.passwordChangedAt.toISOString(),
    expireLe: passwordExpiresAt(a).toISOString(),
    ...(a.clientId ? { clientId: a.clientId } : {}),
  };
}

/** `withAccount`: members see the technical account's login and expiry; others do not. */
export function toStructureJson(s: Stored<Structure>, withAccount: boolean): z.output<typeof structureJson> {
  return {
    siret: s.siret,
    raisonSociale: s.raisonSociale,
    type: s.type,
    active: s.active,
    services: s.services.map(toServiceJson),
    parametresAnnuaire: toDirectoryJson(s.directory),
    espaces: [...s.spaces],
    creeLe: s.createdAt.toISOString(),
    ...(s.deactivatedAt ? { desactiveeLe: s.deactivatedAt.toISOString() } : {}),
    ...(s.originalSiret ? { siretOrigine: s.originalSiret } : {}),
    ...(s.successorSiret ? { siretSuccesseur: s.successorSiret } : {}),
    ...(withAccount && s.compteTechnique ? { compteTechnique: toCompteTechniqueJson(s.compteTechnique) } : {}),
    ...(withAccount && s.principalHistory
      ? {
          historiqueGestionnairePrincipal: s.principalHistory.map((c) => ({
            le: c.at.toISOString(),
            ancien: c.from,
            nouveau: c.to,
            motif: c.reason,
          })),
        }
      : {}),
    version: s.version,
  };
}

export function toRattachementJson(m: Stored<Membership>): z.output<typeof rattachementJson> {
  return {
    siret: m.siret,
    userId: m.userId,
    statut: STATUT[m.status],
    role: m.role satisfies MembershipRole,
    espaces: m.spaces.map((s) => ({ espace: s.space, mode: s.mode })),
    demandeLe: m.requestedAt.toISOString(),
    ...(m.decidedAt ? { decideLe: m.decidedAt.toISOString() } : {}),
    ...(m.decidedBy ? { decidePar: m.decidedBy } : {}),
    version: m.version,
  };
}

export function toMembreJson(m: Stored<Membership>, u: User | undefined): z.output<typeof membreJson> {
  return {
    ...toRattachementJson(m),
    ...(u
      ? {
          utilisateur: {
            adresseConnexion: u.loginAddress,
            adresseContact: u.contactAddress,
            actif: u.active,
            ...(u.lastLoginAt ? { derniereConnexionLe: u.lastLoginAt.toISOString() } : {}),
          },
        }
      : {}),
  };
}

export function toUtilisateurJson(u: Stored<User>): z.output<typeof utilisateurJson> {
  return {
    id: u.id,
    adresseConnexion: u.loginAddress,
    adresseContact: u.contactAddress,
    actif: u.active,
    creeLe: u.createdAt.toISOString(),
    ...(u.lastLoginAt ? { derniereConnexionLe: isoOf(u.lastLoginAt) } : {}),
    ...(u.previousLoginAt ? { connexionPrecedenteLe: isoOf(u.previousLoginAt) } : {}),
    version: u.version,
  };
}

export function toEntreeAnnuaireJson(e: DirectoryEntry): z.output<typeof entreeAnnuaire> {
  return { siret: e.siret, raisonSociale: e.raisonSociale, parametresAnnuaire: toDirectoryJson(e.directory) };
}
