import * as z from 'zod/mini';
import { pure } from '../domain/pure';
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
import { withMeta } from './meta';

/**
 * Wire forms of structures, users and attachments (docs/rules/structures.md#managers), French field names. Request schemas carry no
 * rule beyond types: the rule book (shared/domain/structures) decides and names the fault (SIRET_CLE_INVALIDE,
 * MOT_DE_PASSE_TROP_FAIBLE…). Response schemas describe the wire exactly; `to…Json` build them.
 */

const iso = /* @__PURE__ */ pure(() =>
  withMeta(z.iso.datetime({ offset: true }), { description: 'Instant ISO 8601 (UTC).' }),
);

/** A user id: the subject (`sub`) of the access token, e.g. a Cognito UUID. */
export const userId = /* @__PURE__ */ pure(() =>
  withMeta(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(128),
        z.regex(/^[A-Za-z0-9._:@-]+$/, { message: 'Identifiant d’utilisateur invalide.' }),
      ),
    { description: 'Identifiant de l’utilisateur (sujet « sub » de son jeton d’accès).' },
  ),
);

/** SIRET in a request body: any string, checked by the rule book (codes SIRET_FORMAT, SIRET_CLE_INVALIDE). */
export const siretText = /* @__PURE__ */ pure(() =>
  withMeta(z.string().check(z.maxLength(SIRET_TEXT_MAX)), {
    description: 'SIRET : 14 chiffres, clé de Luhn valide.',
    examples: ['21300202500012'],
  }),
);

export const espace = /* @__PURE__ */ pure(() =>
  withMeta(z.enum(SPACES), {
    id: 'Espace',
    description: '« Factures de travaux » (FACTURES_TRAVAUX) ou « Factures à valider » (FACTURES_A_VALIDER).',
  }),
);
export const modeEspace = /* @__PURE__ */ pure(() =>
  withMeta(z.enum(SPACE_MODES), {
    id: 'ModeEspace',
    description: 'CONSULTATION : lire ; MODIFICATION : lire et agir.',
  }),
);

export const abonnementEspace = /* @__PURE__ */ pure(() =>
  withMeta(z.object({ espace, mode: modeEspace }), {
    id: 'AbonnementEspace',
    description: 'Abonnement d’un utilisateur à un espace de sa structure.',
  }),
);

export const parametresAnnuaire = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      codeServiceObligatoire: z.boolean(),
      engagementObligatoire: withMeta(z.boolean(), { description: 'Numéro d’engagement juridique obligatoire.' }),
      moaPresente: withMeta(z.boolean(), { description: 'Structure avec maîtrise d’ouvrage.' }),
      statutMiseEnPaiementRemonte: withMeta(z.boolean(), {
        description: 'Le statut « mise en paiement » est remonté.',
      }),
    }),
    {
      id: 'ParametresAnnuaire',
      description: 'Paramètres d’annuaire d’une structure publique (tous faux pour une structure privée).',
    },
  ),
);

export const service = /* @__PURE__ */ pure(() =>
  withMeta(z.object({ code: z.string(), libelle: z.string(), active: z.boolean() }), {
    id: 'Service',
    description: 'Service (code service) d’une structure.',
  }),
);

export const compteTechnique = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      login: z.string(),
      motDePasseModifieLe: iso,
      expireLe: withMeta(iso, { description: 'Le mot de passe doit être changé avant cet instant (424 jours).' }),
      clientId: withMeta(z.optional(z.string()), {
        description: 'Client machine à machine (OAuth 2, client credentials) du compte technique, s’il existe.',
      }),
    }),
    { id: 'CompteTechnique', description: 'Compte technique (API) de la structure ; jamais son mot de passe.' },
  ),
);

export const structureJson = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      siret: z.string(),
      raisonSociale: z.string(),
      type: z.enum(['PUBLIC', 'PRIVE']),
      active: z.boolean(),
      services: z.array(service),
      parametresAnnuaire,
      espaces: withMeta(z.array(espace), { description: 'Espaces activés pour la structure.' }),
      creeLe: iso,
      desactiveeLe: z.optional(iso),
      siretOrigine: withMeta(z.optional(z.string()), {
        description: 'SIRET remplacé (structure créée par changement).',
      }),
      siretSuccesseur: withMeta(z.optional(z.string()), {
        description: 'SIRET qui la remplace (structure désactivée).',
      }),
      compteTechnique: withMeta(z.optional(compteTechnique), { description: 'Visible des membres de la structure.' }),
      historiqueGestionnairePrincipal: withMeta(
        z.optional(
          z.array(
            withMeta(
              z.object({
                le: iso,
                ancien: withMeta(z.string(), { description: 'Identifiant de l’ancien gestionnaire principal.' }),
                nouveau: withMeta(z.nullable(z.string()), {
                  description: 'Identifiant du nouveau ; null : aucun gestionnaire secondaire actif.',
                }),
                motif: z.enum(['DESACTIVATION', 'TRANSFERT']),
              }),
              { id: 'ChangementGestionnairePrincipal' },
            ),
          ),
        ),
        { description: 'Changements de gestionnaire principal, le plus récent en dernier. Visible des membres.' },
      ),
      version,
    }),
    { id: 'Structure' },
  ),
);

const STATUT: Record<MembershipStatus, 'EN_ATTENTE' | 'ACCEPTE' | 'REFUSE'> = {
  PENDING: 'EN_ATTENTE',
  APPROVED: 'ACCEPTE',
  REFUSED: 'REFUSE',
};

export const rattachementJson = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      siret: z.string(),
      userId: z.string(),
      statut: z.enum(['EN_ATTENTE', 'ACCEPTE', 'REFUSE']),
      role: z.enum(['GESTIONNAIRE_PRINCIPAL', 'GESTIONNAIRE_SECONDAIRE', 'UTILISATEUR']),
      espaces: z.array(abonnementEspace),
      demandeLe: iso,
      decideLe: z.optional(iso),
      decidePar: z.optional(z.string()),
      version,
    }),
    { id: 'Rattachement', description: 'Rattachement d’un utilisateur à une structure (ou sa demande).' },
  ),
);

export const membreJson = /* @__PURE__ */ pure(() =>
  withMeta(
    z.extend(rattachementJson, {
      utilisateur: withMeta(
        z.optional(
          z.object({
            adresseConnexion: z.string(),
            adresseContact: z.string(),
            actif: z.boolean(),
            derniereConnexionLe: z.optional(iso),
          }),
        ),
        { description: 'Le compte de l’utilisateur rattaché (absent s’il a été supprimé).' },
      ),
    }),
    { id: 'Membre', description: 'Rattachement vu par les gestionnaires de la structure, avec le compte.' },
  ),
);

export const utilisateurJson = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      id: z.string(),
      adresseConnexion: withMeta(z.string(), { description: 'Identifie le compte ; ne change jamais.' }),
      adresseContact: withMeta(z.string(), { description: 'Reçoit les notifications.' }),
      actif: z.boolean(),
      creeLe: iso,
      derniereConnexionLe: withMeta(z.optional(iso), {
        description: 'Connexion la plus récente (celle en cours, si enregistrée).',
      }),
      connexionPrecedenteLe: withMeta(z.optional(iso), {
        description: 'La connexion d’avant : « Dernière connexion le … » affichée pendant la session.',
      }),
      version,
    }),
    { id: 'Utilisateur' },
  ),
);

export const moiJson = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      utilisateur: utilisateurJson,
      structures: z.array(
        withMeta(z.extend(rattachementJson, { raisonSociale: z.optional(z.string()) }), { id: 'MonRattachement' }),
      ),
    }),
    { id: 'Moi', description: 'L’utilisateur connecté, ses structures, ses rôles et ses espaces.' },
  ),
);

export const entreeAnnuaire = /* @__PURE__ */ pure(() =>
  withMeta(z.object({ siret: z.string(), raisonSociale: z.string(), parametresAnnuaire }), { id: 'EntreeAnnuaire' }),
);

// ------------------------------------------------------------------------------------------------ requests

export const creerStructureBody = /* @__PURE__ */ pure(() =>
  z.object({
    siret: siretText,
    raisonSociale: z.string().check(z.minLength(1), z.maxLength(200)),
    type: z.enum(['PUBLIC', 'PRIVE']),
    services: z.optional(
      z
        .array(
          z.object({
            code: z.string().check(z.minLength(1), z.maxLength(100)),
            libelle: z.string().check(z.maxLength(200)),
            active: z._default(z.boolean(), true),
          }),
        )
        .check(z.maxLength(200)),
    ),
    parametresAnnuaire: z.optional(z.partial(parametresAnnuaire)),
    espaces: z.optional(z.array(espace).check(z.maxLength(10))),
  }),
);

export const siretParams = /* @__PURE__ */ pure(() => z.object({ siret }));

export const membreParams = /* @__PURE__ */ pure(() => z.object({ siret, userId }));

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
