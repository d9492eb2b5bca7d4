import * as z from 'zod/mini';
import { PIECE_ACTION_TYPES } from '../domain/circuits/actions';
import { pure } from '../domain/pure';
import { amount, amountString, calendarDate, calendarDateString, siret } from './common';
import { etatAcompteInput, etatAcompteSaisiOutput } from './etat-acompte';
import { withMeta } from './meta';

/**
 * Request and response schemas of the pieces de facturation at the API (docs/rules/documents.md#drafts-and-sending): drafts (`BROUILLON`), their
 * files (presigned POST forms), "Valider et envoyer". Field names are French, amounts decimal strings (cents
 * inside), dates `AAAA-MM-JJ`. Request schemas transform to what the services take; response schemas describe the
 * wire.
 */

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';

/** An id of ours: `prefix` + `-` + 26 characters (shared/adapters/ids.ts), refused with `what` named. */
const prefixedId = (prefix: string, what: string, description: string) =>
  withMeta(
    z.string().check(
      z.regex(new RegExp(`^${prefix}-${ULID}$`), {
        message: `Identifiant ${what} invalide : « ${prefix}- » suivi de 26 caractères (chiffres et majuscules) attendu.`,
      }),
    ),
    { description, examples: [`${prefix}-01JQ8Z6X4C5V7B9N2M3K4J5H6G`] },
  );

/** A dossier id as allocated by the piece service: `DOS-` + 26 characters (shared/adapters/ids.ts). */
export const dossierId = /* @__PURE__ */ pure(() =>
  prefixedId('DOS', 'de dossier', 'Identifiant du dossier de facturation.'),
);

/** A piece id: `PCE-` + 26 characters. */
export const pieceId = /* @__PURE__ */ pure(() => prefixedId('PCE', 'de pièce', 'Identifiant de la pièce.'));

/** A file id, as allocated by the piece service when it hands out an upload form. */
export const fichierId = /* @__PURE__ */ pure(() =>
  withMeta(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'Identifiant de fichier invalide.' })), {
    description: 'Identifiant du fichier.',
  }),
);

/** Optional header naming the structure the user acts for (needed when attached to several of the marché). */
export const STRUCTURE_HEADER = 'x-structure-siret';
export const actingHeaders = /* @__PURE__ */ pure(() =>
  z.object({
    [STRUCTURE_HEADER]: withMeta(z.optional(siret), {
      description: 'SIRET de la structure pour laquelle l’utilisateur agit, s’il est rattaché à plusieurs.',
    }),
  }),
);

// ---------------------------------------------------------------------------------------------------- requests

/** Amounts of a piece: "1234.56" strings → integer cents. */
export const montantsInput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.pipe(
      z.object({ ht: amount, tva: amount, ttc: amount }),
      z.transform((m) => ({ htCents: m.ht, tvaCents: m.tva, ttcCents: m.ttc })),
    ),
    { description: 'Montants de la pièce (HT, TVA, TTC), en euros.' },
  ),
);

/** Draft of a piece: the first piece of a new dossier (POST /v1/marches/{marcheId}/pieces) or the next one. */
export const creerPieceBody = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      cadre: withMeta(z.string().check(z.minLength(1), z.maxLength(60)), {
        description: 'Cadre de facturation (A4, A7, A9…, ou sa valeur Chorus Pro).',
        examples: ['A4'],
      }),
      numero: withMeta(z.string().check(z.maxLength(200)), {
        description: 'Numéro de la pièce, unique pour la structure qui la dépose.',
        examples: ['PDM-2025-04'],
      }),
      montants: z.optional(montantsInput),
      datePiece: z.optional(calendarDate),
      etatAcompte: z.optional(etatAcompteInput),
    }),
    { id: 'NouvellePiece' },
  ),
);

/** The depositor's edit of its draft: typed values, or suggestions read in the main PDF that it accepts. */
export const modifierBrouillonBody = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      numero: withMeta(z.optional(z.string().check(z.maxLength(200))), {
        description: 'Nouveau numéro de la pièce.',
      }),
      montants: z.optional(montantsInput),
      datePiece: z.optional(calendarDate),
      etatAcompte: z.optional(etatAcompteInput),
      appliquerSuggestions: withMeta(
        z.optional(
          z
            .array(z.enum(['numero', 'datePiece', 'montants', 'siretDestinataire', 'engagementJuridique']))
            .check(z.maxLength(5)),
        ),
        {
          description:
            'Suggestions du PDF principal acceptées (numero, datePiece, montants, siretDestinataire, engagementJuridique) ; une valeur saisie l’emporte sur sa suggestion. Le SIRET lu doit être celui du maître d’ouvrage ou du service financier du marché, le numéro d’engagement celui du marché quand la fiche en indique un : sinon 422 et rien n’est écrit.',
        },
      ),
    }),
    { id: 'ModificationBrouillon' },
  ),
);

export const ROLES_FICHIER = ['PRINCIPAL', 'ANNEXE'] as const;
export const ROLE_FICHIER_SERVICE = { PRINCIPAL: 'MAIN', ANNEXE: 'ATTACHMENT' } as const;
export const ROLE_FICHIER_API = { MAIN: 'PRINCIPAL', ATTACHMENT: 'ANNEXE' } as const;

/** An upload form for one file of a draft. */
export const demandeFichierBody = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      nom: withMeta(z.string().check(z.minLength(1), z.maxLength(255)), {
        description: 'Nom du fichier, avec son extension.',
        examples: ['pdm.pdf'],
      }),
      taille: withMeta(z.int().check(z.gte(1)), { description: 'Taille en octets (10 Mo au plus).' }),
      type: withMeta(z.string().check(z.minLength(1), z.maxLength(255)), {
        description: 'Type de contenu (MIME) déclaré.',
        examples: ['application/pdf'],
      }),
      role: withMeta(z.enum(ROLES_FICHIER), {
        description: 'PRINCIPAL : le fichier de la pièce (un seul) ; ANNEXE : une pièce jointe.',
      }),
      sha256: withMeta(
        z.optional(
          z
            .string()
            .check(
              z.regex(/^[0-9a-fA-F]{64}$/, { message: 'Empreinte SHA-256 attendue : 64 caractères hexadécimaux.' }),
            ),
        ),
        {
          description:
            'SHA-256 du fichier (hexadécimal). Recommandé : le formulaire l’impose et le stockage refuse d’autres octets. Sans elle, ajoutez vous-même le champ x-amz-checksum-sha256 au formulaire.',
        },
      ),
    }),
    { id: 'DemandeDepotFichier' },
  ),
);

export const destinataireInput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      siret,
      codeService: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
      engagementJuridique: z.optional(z.string().check(z.minLength(1), z.maxLength(50))),
    }),
    { id: 'Destinataire', description: 'Destinataire de la pièce au service financier.' },
  ),
);

/**
 * "Valider et envoyer". First piece: no `type` (it opens the dossier), optional réception dates for a projet de
 * décompte final (A7, A14). Follow-up piece: `type` says what the piece does, and `If-Match` is required.
 */
export const envoyerBody = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      type: withMeta(z.optional(z.enum(PIECE_ACTION_TYPES)), {
        description: 'Pièce suivante : l’action qu’elle accomplit (absent pour la première pièce).',
      }),
      receptionNotifieeLe: withMeta(z.optional(calendarDate), {
        description: 'A7 / A14 : jour de notification de la décision de réception.',
      }),
      pdfRecuMoaLe: withMeta(z.optional(calendarDate), {
        description: "A7 / A14 : jour de réception du projet de décompte final par le maître d'ouvrage.",
      }),
      destinataire: z.optional(destinataireInput),
      memoireReclamation: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(10_000))),
      sommesAdmises: z.optional(amount),
    }),
    { id: 'EnvoiPiece' },
  ),
);

// --------------------------------------------------------------------------------------------------- responses

export const montantsOutput = /* @__PURE__ */ pure(() =>
  withMeta(z.object({ ht: amountString, tva: amountString, ttc: amountString }), {
    id: 'Montants',
  }),
);

export const suggestionOutput = /* @__PURE__ */ pure(() =>
  z.object({
    valeur: z.string(),
    page: withMeta(z.int(), { description: 'Page (à partir de 1) où la valeur a été lue.' }),
    motCle: withMeta(z.string(), { description: 'Mot-clé imprimé avant la valeur.' }),
  }),
);

export const suggestionsOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      siretDestinataire: z.optional(suggestionOutput),
      engagementJuridique: z.optional(suggestionOutput),
      numeroPiece: z.optional(suggestionOutput),
      datePiece: z.optional(suggestionOutput),
      montantHt: z.optional(suggestionOutput),
      montantTva: z.optional(suggestionOutput),
      montantTtc: z.optional(suggestionOutput),
    }),
    {
      id: 'SuggestionsPreRemplissage',
      description: 'Valeurs lues dans le PDF principal : des suggestions à confirmer, jamais appliquées d’office.',
    },
  ),
);

export const fichierOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      id: z.string(),
      nom: z.string(),
      role: z.enum(ROLES_FICHIER),
      taille: z.optional(z.int()),
      type: z.optional(z.string()),
      verification: z.object({
        statut: withMeta(z.enum(['EN_ATTENTE', 'VERIFIE', 'REFUSE', 'ABANDONNE']), {
          description:
            'EN_ATTENTE : pas encore reçu ou en cours de vérification ; ABANDONNE : formulaire expiré ou annulé sans dépôt.',
        }),
        code: z.optional(z.string()),
        message: z.optional(z.string()),
        sha256: z.optional(z.string()),
        pages: z.optional(z.int()),
      }),
      suggestions: z.optional(suggestionsOutput),
      complement: withMeta(z.optional(z.boolean()), {
        description: 'Vrai : document ajouté à la pièce envoyée, en réponse à une suspension.',
      }),
    }),
    { id: 'Fichier' },
  ),
);

export const brouillonOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      id: z.string(),
      dossierId: z.string(),
      marcheId: z.string(),
      cadre: z.string(),
      numero: z.string(),
      statut: withMeta(z.enum(['BROUILLON', 'ENVOYEE']), { description: 'BROUILLON : la pièce n’est pas envoyée.' }),
      envoyee: z.boolean(),
      deposantSiret: z.string(),
      montants: z.optional(montantsOutput),
      datePiece: z.optional(calendarDateString),
      etatAcompte: z.optional(etatAcompteSaisiOutput),
      destinataire: withMeta(
        z.optional(z.object({ siret: z.optional(z.string()), engagementJuridique: z.optional(z.string()) })),
        {
          description:
            'SIRET du destinataire et numéro d’engagement lus dans le PDF, acceptés par le déposant et conformes au marché.',
        },
      ),
      fichiers: z.array(fichierOutput),
      fichiersRetires: withMeta(
        z.optional(z.array(z.object({ id: z.string(), nom: z.string(), retireLe: z.string() }))),
        {
          description: 'Fichiers retirés du brouillon par le déposant : qui ne sont plus dans la pièce, et quand.',
        },
      ),
      octetsReserves: withMeta(z.int(), {
        description: 'Octets réservés par les fichiers de la pièce (120 Mo au plus).',
      }),
      octetsMax: z.int(),
      suggestions: withMeta(z.optional(suggestionsOutput), {
        description: 'Pré-remplissage lu dans le fichier principal, à confirmer par le déposant.',
      }),
      dernierRefus: withMeta(
        z.optional(z.object({ fichierId: z.string(), code: z.string(), message: z.string(), le: z.string() })),
        { description: 'Le dernier fichier refusé à la vérification, et pourquoi.' },
      ),
      certificat: withMeta(z.optional(z.string()), { description: 'Certificat de dépôt, une fois la pièce envoyée.' }),
      envoyeeLe: z.optional(z.string()),
      nouveauDossier: withMeta(z.boolean(), {
        description: 'Première pièce : son envoi ouvre le dossier (sans If-Match). Sinon If-Match requis.',
      }),
      creeLe: z.string(),
      version: withMeta(z.int(), {
        description: 'Version des champs du brouillon (numéro, date, montants) : son ETag, à renvoyer en If-Match.',
      }),
    }),
    { id: 'PieceBrouillon' },
  ),
);

export const formulaireDepotOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      fichierId: z.string(),
      url: withMeta(z.string(), { description: 'Adresse du formulaire POST (multipart/form-data).' }),
      champs: withMeta(z.record(z.string(), z.string()), {
        description: 'Champs à envoyer tels quels avant le champ « file ».',
      }),
      expireLe: withMeta(z.string(), { description: 'Instant ISO après lequel le formulaire est refusé.' }),
      tailleMax: z.int(),
    }),
    { id: 'FormulaireDepot' },
  ),
);

export const lienTelechargementOutput = /* @__PURE__ */ pure(() =>
  withMeta(z.object({ url: z.string(), expireLe: z.string() }), {
    id: 'LienTelechargement',
  }),
);

export const brouillonsOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      siret: z.string(),
      brouillons: z.array(
        z.object({
          id: z.string(),
          dossierId: z.string(),
          marcheId: z.string(),
          cadre: z.string(),
          numero: z.string(),
          nouveauDossier: z.boolean(),
          montants: z.optional(montantsOutput),
          datePiece: z.optional(calendarDateString),
          octetsReserves: z.int(),
          creeLe: z.string(),
          ageJours: withMeta(z.int(), {
            description: 'Jours calendaires depuis la création du brouillon (Europe/Paris).',
          }),
          version: z.int(),
        }),
      ),
    }),
    { id: 'Brouillons', description: 'Pièces non envoyées de la structure, la plus récente d’abord.' },
  ),
);

export const cadresDeposablesOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      marcheId: z.string(),
      siret: withMeta(z.string(), { description: 'La structure pour laquelle vous déposez.' }),
      roles: withMeta(z.array(z.string()), { description: 'Ses rôles sur le marché.' }),
      cadres: z.array(
        z.object({
          code: withMeta(z.string(), { examples: ['A9'] }),
          libelle: z.string(),
          deposable: withMeta(z.boolean(), {
            description: 'Vrai : vous pouvez ouvrir un dossier avec ce cadre maintenant.',
          }),
          explication: withMeta(z.string(), {
            description: 'Une ligne : à quoi sert la pièce, ou pourquoi le cadre n’est pas proposé.',
          }),
          raison: withMeta(z.optional(z.enum(['CADRE_NON_GERE', 'ROLE', 'PIECE_SUIVANTE', 'CIRCUIT'])), {
            description: 'Pourquoi le cadre n’est pas proposé (absent quand il l’est).',
          }),
        }),
      ),
    }),
    {
      id: 'CadresDeposables',
      description: 'Les cadres de facturation du marché, ceux que votre structure peut déposer maintenant en premier.',
    },
  ),
);
