import * as z from 'zod';
import { PIECE_ACTION_TYPES } from '../domain/circuits/actions';
import { amount, amountString, calendarDate, calendarDateString, siret } from './common';
import { etatAcompteInput, etatAcompteSaisiOutput } from './etat-acompte';

/**
 * Request and response schemas of the pieces de facturation at the API (docs/rules/documents.md#drafts-and-sending): drafts (`BROUILLON`), their
 * files (presigned POST forms), "Valider et envoyer". Field names are French, amounts decimal strings (cents
 * inside), dates `AAAA-MM-JJ`. Request schemas transform to what the services take; response schemas describe the
 * wire.
 */

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';

/** A dossier id as allocated by the piece service: `DOS-` + 26 characters (shared/adapters/ids.ts). */
export const dossierId = /* @__PURE__ */ z
  .string()
  .regex(new RegExp(`^DOS-${ULID}$`), {
    message: 'Identifiant de dossier invalide : « DOS- » suivi de 26 caractères (chiffres et majuscules) attendu.',
  })
  .meta({ description: 'Identifiant du dossier de facturation.', examples: ['DOS-01JQ8Z6X4C5V7B9N2M3K4J5H6G'] });

/** A piece id: `PCE-` + 26 characters. */
export const pieceId = /* @__PURE__ */ z
  .string()
  .regex(new RegExp(`^PCE-${ULID}$`), {
    message: 'Identifiant de pièce invalide : « PCE- » suivi de 26 caractères (chiffres et majuscules) attendu.',
  })
  .meta({ description: 'Identifiant de la pièce.', examples: ['PCE-01JQ8Z6X4C5V7B9N2M3K4J5H6G'] });

/** A file id, as allocated by the piece service when it hands out an upload form. */
export const fichierId = /* @__PURE__ */ z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'Identifiant de fichier invalide.' })
  .meta({ description: 'Identifiant du fichier.' });

/** Optional header naming the structure the user acts for (needed when attached to several of the marché). */
export const STRUCTURE_HEADER = 'x-structure-siret';
export const actingHeaders = /* @__PURE__ */ z.object({
  [STRUCTURE_HEADER]: siret
    .optional()
    .meta({ description: 'SIRET de la structure pour laquelle l’utilisateur agit, s’il est rattaché à plusieurs.' }),
});

// ---------------------------------------------------------------------------------------------------- requests

/** Amounts of a piece: "1234.56" strings → integer cents. */
export const montantsInput = /* @__PURE__ */ z
  .object({ ht: amount, tva: amount, ttc: amount })
  .transform((m) => ({ htCents: m.ht, tvaCents: m.tva, ttcCents: m.ttc }))
  .meta({ description: 'Montants de la pièce (HT, TVA, TTC), en euros.' });

/** Draft of a piece: the first piece of a new dossier (POST /v1/marches/{marcheId}/pieces) or the next one. */
export const creerPieceBody = /* @__PURE__ */ z
  .object({
    cadre: z
      .string()
      .min(1)
      .max(60)
      .meta({ description: 'Cadre de facturation (A4, A7, A9…, ou sa valeur Chorus Pro).', examples: ['A4'] }),
    numero: z
      .string()
      .max(200)
      .meta({ description: 'Numéro de la pièce, unique pour la structure qui la dépose.', examples: ['PDM-2025-04'] }),
    montants: montantsInput.optional(),
    datePiece: calendarDate.optional(),
    etatAcompte: etatAcompteInput.optional(),
  })
  .meta({ id: 'NouvellePiece' });

/** The depositor's edit of its draft: typed values, or suggestions read in the main PDF that it accepts. */
export const modifierBrouillonBody = /* @__PURE__ */ z
  .object({
    numero: z.string().max(200).optional().meta({ description: 'Nouveau numéro de la pièce.' }),
    montants: montantsInput.optional(),
    datePiece: calendarDate.optional(),
    etatAcompte: etatAcompteInput.optional(),
    appliquerSuggestions: z
      .array(z.enum(['numero', 'datePiece', 'montants', 'siretDestinataire', 'engagementJuridique']))
      .max(5)
      .optional()
      .meta({
        description:
          'Suggestions du PDF principal acceptées (numero, datePiece, montants, siretDestinataire, engagementJuridique) ; une valeur saisie l’emporte sur sa suggestion. Le SIRET lu doit être celui du maître d’ouvrage ou du service financier du marché, le numéro d’engagement celui du marché quand la fiche en indique un : sinon 422 et rien n’est écrit.',
      }),
  })
  .meta({ id: 'ModificationBrouillon' });

export const ROLES_FICHIER = ['PRINCIPAL', 'ANNEXE'] as const;
export const ROLE_FICHIER_SERVICE = { PRINCIPAL: 'MAIN', ANNEXE: 'ATTACHMENT' } as const;
export const ROLE_FICHIER_API = { MAIN: 'PRINCIPAL', ATTACHMENT: 'ANNEXE' } as const;

/** An upload form for one file of a draft. */
export const demandeFichierBody = /* @__PURE__ */ z
  .object({
    nom: z
      .string()
      .min(1)
      .max(255)
      .meta({ description: 'Nom du fichier, avec son extension.', examples: ['pdm.pdf'] }),
    taille: z.int().min(1).meta({ description: 'Taille en octets (10 Mo au plus).' }),
    type: z
      .string()
      .min(1)
      .max(255)
      .meta({ description: 'Type de contenu (MIME) déclaré.', examples: ['application/pdf'] }),
    role: z
      .enum(ROLES_FICHIER)
      .meta({ description: 'PRINCIPAL : le fichier de la pièce (un seul) ; ANNEXE : une pièce jointe.' }),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, { message: 'Empreinte SHA-256 attendue : 64 caractères hexadécimaux.' })
      .optional()
      .meta({
        description:
          'SHA-256 du fichier (hexadécimal). Recommandé : le formulaire l’impose et le stockage refuse d’autres octets. Sans elle, ajoutez vous-même le champ x-amz-checksum-sha256 au formulaire.',
      }),
  })
  .meta({ id: 'DemandeDepotFichier' });

export const destinataireInput = /* @__PURE__ */ z
  .object({
    siret,
    codeService: z.string().min(1).max(100).optional(),
    engagementJuridique: z.string().min(1).max(50).optional(),
  })
  .meta({ id: 'Destinataire', description: 'Destinataire de la pièce au service financier.' });

/**
 * "Valider et envoyer". First piece: no `type` (it opens the dossier), optional réception dates for a projet de
 * décompte final (A7, A14). Follow-up piece: `type` says what the piece does, and `If-Match` is required.
 */
export const envoyerBody = /* @__PURE__ */ z
  .object({
    type: z
      .enum(PIECE_ACTION_TYPES)
      .optional()
      .meta({ description: 'Pièce suivante : l’action qu’elle accomplit (absent pour la première pièce).' }),
    receptionNotifieeLe: calendarDate
      .optional()
      .meta({ description: 'A7 / A14 : jour de notification de la décision de réception.' }),
    pdfRecuMoaLe: calendarDate
      .optional()
      .meta({ description: "A7 / A14 : jour de réception du projet de décompte final par le maître d'ouvrage." }),
    destinataire: destinataireInput.optional(),
    memoireReclamation: z.string().trim().min(1).max(10_000).optional(),
    sommesAdmises: amount.optional(),
  })
  .meta({ id: 'EnvoiPiece' });

// --------------------------------------------------------------------------------------------------- responses

export const montantsOutput = /* @__PURE__ */ z
  .object({ ht: amountString, tva: amountString, ttc: amountString })
  .meta({
    id: 'Montants',
  });

export const suggestionOutput = /* @__PURE__ */ z.object({
  valeur: z.string(),
  page: z.int().meta({ description: 'Page (à partir de 1) où la valeur a été lue.' }),
  motCle: z.string().meta({ description: 'Mot-clé imprimé avant la valeur.' }),
});

export const suggestionsOutput = /* @__PURE__ */ z
  .object({
    siretDestinataire: suggestionOutput.optional(),
    engagementJuridique: suggestionOutput.optional(),
    numeroPiece: suggestionOutput.optional(),
    datePiece: suggestionOutput.optional(),
    montantHt: suggestionOutput.optional(),
    montantTva: suggestionOutput.optional(),
    montantTtc: suggestionOutput.optional(),
  })
  .meta({
    id: 'SuggestionsPreRemplissage',
    description: 'Valeurs lues dans le PDF principal : des suggestions à confirmer, jamais appliquées d’office.',
  });

export const fichierOutput = /* @__PURE__ */ z
  .object({
    id: z.string(),
    nom: z.string(),
    role: z.enum(ROLES_FICHIER),
    taille: z.int().optional(),
    type: z.string().optional(),
    verification: z.object({
      statut: z.enum(['EN_ATTENTE', 'VERIFIE', 'REFUSE', 'ABANDONNE']).meta({
        description:
          'EN_ATTENTE : pas encore reçu ou en cours de vérification ; ABANDONNE : formulaire expiré ou annulé sans dépôt.',
      }),
      code: z.string().optional(),
      message: z.string().optional(),
      sha256: z.string().optional(),
      pages: z.int().optional(),
    }),
    suggestions: suggestionsOutput.optional(),
    complement: z
      .boolean()
      .optional()
      .meta({ description: 'Vrai : document ajouté à la pièce envoyée, en réponse à une suspension.' }),
  })
  .meta({ id: 'Fichier' });

export const brouillonOutput = /* @__PURE__ */ z
  .object({
    id: z.string(),
    dossierId: z.string(),
    marcheId: z.string(),
    cadre: z.string(),
    numero: z.string(),
    statut: z.enum(['BROUILLON', 'ENVOYEE']).meta({ description: 'BROUILLON : la pièce n’est pas envoyée.' }),
    envoyee: z.boolean(),
    deposantSiret: z.string(),
    montants: montantsOutput.optional(),
    datePiece: calendarDateString.optional(),
    etatAcompte: etatAcompteSaisiOutput.optional(),
    destinataire: z
      .object({ siret: z.string().optional(), engagementJuridique: z.string().optional() })
      .optional()
      .meta({
        description:
          'SIRET du destinataire et numéro d’engagement lus dans le PDF, acceptés par le déposant et conformes au marché.',
      }),
    fichiers: z.array(fichierOutput),
    fichiersRetires: z
      .array(z.object({ id: z.string(), nom: z.string(), retireLe: z.string() }))
      .optional()
      .meta({
        description: 'Fichiers retirés du brouillon par le déposant : qui ne sont plus dans la pièce, et quand.',
      }),
    octetsReserves: z.int().meta({ description: 'Octets réservés par les fichiers de la pièce (120 Mo au plus).' }),
    octetsMax: z.int(),
    suggestions: suggestionsOutput
      .optional()
      .meta({ description: 'Pré-remplissage lu dans le fichier principal, à confirmer par le déposant.' }),
    dernierRefus: z
      .object({ fichierId: z.string(), code: z.string(), message: z.string(), le: z.string() })
      .optional()
      .meta({ description: 'Le dernier fichier refusé à la vérification, et pourquoi.' }),
    certificat: z.string().optional().meta({ description: 'Certificat de dépôt, une fois la pièce envoyée.' }),
    envoyeeLe: z.string().optional(),
    nouveauDossier: z
      .boolean()
      .meta({ description: 'Première pièce : son envoi ouvre le dossier (sans If-Match). Sinon If-Match requis.' }),
    creeLe: z.string(),
    version: z.int().meta({
      description: 'Version des champs du brouillon (numéro, date, montants) : son ETag, à renvoyer en If-Match.',
    }),
  })
  .meta({ id: 'PieceBrouillon' });

export const formulaireDepotOutput = /* @__PURE__ */ z
  .object({
    fichierId: z.string(),
    url: z.string().meta({ description: 'Adresse du formulaire POST (multipart/form-data).' }),
    champs: z
      .record(z.string(), z.string())
      .meta({ description: 'Champs à envoyer tels quels avant le champ « file ».' }),
    expireLe: z.string().meta({ description: 'Instant ISO après lequel le formulaire est refusé.' }),
    tailleMax: z.int(),
  })
  .meta({ id: 'FormulaireDepot' });

export const lienTelechargementOutput = /* @__PURE__ */ z
  .object({ url: z.string(), expireLe: z.string() })
  .meta({ id: 'LienTelechargement' });

export const brouillonsOutput = /* @__PURE__ */ z
  .object({
    siret: z.string(),
    brouillons: z.array(
      z.object({
        id: z.string(),
        dossierId: z.string(),
        marcheId: z.string(),
        cadre: z.string(),
        numero: z.string(),
        nouveauDossier: z.boolean(),
        montants: montantsOutput.optional(),
        datePiece: calendarDateString.optional(),
        octetsReserves: z.int(),
        creeLe: z.string(),
        ageJours: z.int().meta({ description: 'Jours calendaires depuis la création du brouillon (Europe/Paris).' }),
        version: z.int(),
      }),
    ),
  })
  .meta({ id: 'Brouillons', description: 'Pièces non envoyées de la structure, la plus récente d’abord.' });

export const cadresDeposablesOutput = /* @__PURE__ */ z
  .object({
    marcheId: z.string(),
    siret: z.string().meta({ description: 'La structure pour laquelle vous déposez.' }),
    roles: z.array(z.string()).meta({ description: 'Ses rôles sur le marché.' }),
    cadres: z.array(
      z.object({
        code: z.string().meta({ examples: ['A9'] }),
        libelle: z.string(),
        deposable: z.boolean().meta({ description: 'Vrai : vous pouvez ouvrir un dossier avec ce cadre maintenant.' }),
        explication: z
          .string()
          .meta({ description: 'Une ligne : à quoi sert la pièce, ou pourquoi le cadre n’est pas proposé.' }),
        raison: z
          .enum(['CADRE_NON_GERE', 'ROLE', 'PIECE_SUIVANTE', 'CIRCUIT'])
          .optional()
          .meta({ description: 'Pourquoi le cadre n’est pas proposé (absent quand il l’est).' }),
      }),
    ),
  })
  .meta({
    id: 'CadresDeposables',
    description: 'Les cadres de facturation du marché, ceux que votre structure peut déposer maintenant en premier.',
  });
