import * as z from 'zod/mini';
import type { Action, ActionType } from '../domain/circuits';
import type { PieceActionType } from '../domain/circuits/actions';
import { MAX_FILES_PER_PIECE } from '../domain/pieces';
import { pure } from '../domain/pure';
import { amount, amountString, CODE_TEXT_MAX, calendarDateString, SIRET_TEXT_MAX } from './common';
import { assietteOutput, pieceOutput } from './dossier-pieces';
import { withMeta } from './meta';
import { destinataireInput, fichierId, montantsInput, pieceId } from './pieces';

/**
 * The dossier de facturation at the API (docs/rules/circuits.md, docs/rules/dgp.md): the actions an actor sends, and what a dossier, its DGP
 * clock and its audit trail look like on the wire. The action vocabulary is the circuits' own (ACTION_TYPES of
 * shared/domain/circuits); the API adds only `pieceId` (the draft a piece-depositing action sends) and amounts as
 * decimal strings.
 */

const texte = /* @__PURE__ */ pure(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)));
const motifRefus = /* @__PURE__ */ pure(() =>
  withMeta(z.string().check(z.trim(), z.minLength(1), z.maxLength(100)), {
    description:
      'MAUVAIS_MARCHE, MAUVAIS_DESTINATAIRE ou DONNEES_OBLIGATOIRES_MANQUANTES (jamais un désaccord de montant).',
    examples: ['MAUVAIS_DESTINATAIRE'],
  }),
);
const pieceRef = /* @__PURE__ */ pure(() => ({
  pieceId: withMeta(pieceId, { description: 'La pièce brouillon que cette action envoie.' }),
}));

const simple = <T extends ActionType>(type: T, description: string) =>
  withMeta(z.object({ type: z.literal(type) }), { description });

/** POST /v1/dossiers/{dossierId}/actions — one variant per action type (DEPOSER opens a dossier: see pieces). */
export const actionBody = /* @__PURE__ */ pure(() =>
  withMeta(
    z.discriminatedUnion('type', [
      withMeta(
        z.object({
          type: z.literal('VALIDER'),
          complementInformation: withMeta(z.optional(texte), {
            description: 'Complément d’information : message facultatif, visible de tous les acteurs du dossier.',
          }),
        }),
        {
          description:
            'Valideur (titulaire, cotraitant, mandataire) : accepter la pièce du sous-traitant ou du cotraitant.',
        },
      ),
      withMeta(z.object({ type: z.literal('REFUSER'), motifs: texte }), {
        description: 'Valideur : refuser, avec les motifs.',
      }),
      withMeta(z.object({ type: z.literal('DEPOSER_ETAT_ACOMPTE'), ...pieceRef }), {
        description: "Maître d'œuvre : déposer l'état d'acompte (A15), montants corrigés le cas échéant.",
      }),
      withMeta(z.object({ type: z.literal('REFUSER_MOE'), motif: motifRefus, commentaire: z.optional(texte) }), {
        description: "Maître d'œuvre : refuser (pas pour un désaccord de montant).",
      }),
      withMeta(z.object({ type: z.literal('DEPOSER_PROJET_DECOMPTE_GENERAL'), ...pieceRef }), {
        description: "Maître d'œuvre : déposer le projet de décompte général (A17).",
      }),
      simple('SAISIR_MOA_DIRECTEMENT', "Fournisseur, après le silence du maître d'œuvre : saisir le maître d'ouvrage."),
      withMeta(
        z.object({ type: z.literal('VALIDER_ETAT_ACOMPTE'), ...pieceRef, destinataire: z.optional(destinataireInput) }),
        {
          description:
            "Maître d'ouvrage : déposer l'état d'acompte validé (A19) ; maître d'œuvre à qui le maître d'ouvrage a délégué la validation (« MOA présente : non ») : l'état d'acompte validé (A16).",
        },
      ),
      withMeta(
        z.object({
          type: z.literal('VALIDER_ETAT_ACOMPTE_FOURNISSEUR'),
          montants: z.optional(montantsInput),
          commentaire: z.optional(texte),
        }),
        {
          description:
            "Maître d'ouvrage d'un marché sans maître d'œuvre : valider l'état d'acompte du titulaire (A5), montants corrigés le cas échéant.",
        },
      ),
      withMeta(z.object({ type: z.literal('DEPOSER_ETAT_ACOMPTE_VALIDE'), ...pieceRef }), {
        description:
          "Titulaire d'un marché sans maître d'œuvre : déposer l'état d'acompte validé (A6), aux montants validés par le maître d'ouvrage.",
      }),
      withMeta(z.object({ type: z.literal('REFUSER_MOA'), motif: motifRefus, commentaire: z.optional(texte) }), {
        description: "Maître d'ouvrage : refuser (pas pour un désaccord de montant).",
      }),
      withMeta(z.object({ type: z.literal('NOTIFIER_DECOMPTE_GENERAL'), ...pieceRef }), {
        description:
          "Maître d'ouvrage : notifier le décompte général (A20) ; maître d'œuvre délégataire : le décompte général (A18).",
      }),
      withMeta(z.object({ type: z.literal('SIGNER_DG'), ...pieceRef }), {
        description: 'Titulaire : signer le décompte général (A8), qui devient définitif.',
      }),
      withMeta(
        z.object({
          type: z.literal('SIGNER_DG_AVEC_RESERVES'),
          ...pieceRef,
          memoireReclamation: z.string().check(z.trim(), z.minLength(1), z.maxLength(10_000)),
          sommesAdmises: withMeta(amount, { description: 'Sommes admises, payées dans les 30 jours.' }),
        }),
        { description: 'Titulaire : signer avec réserves (mémoire en réclamation).' },
      ),
      withMeta(z.object({ type: z.literal('REFUSER_DG'), motifs: texte }), {
        description: 'Titulaire : refuser le DG.',
      }),
      withMeta(z.object({ type: z.literal('DEPOSER_PROJET_DG_TACITE'), ...pieceRef }), {
        description: 'Titulaire : notifier le projet de décompte général signé (A22, procédure tacite).',
      }),
      withMeta(z.object({ type: z.literal('DEPOSER_DGD_TACITE'), ...pieceRef }), {
        description: 'Déposer le décompte général et définitif tacite (A23, A24, A25).',
      }),
      simple('SERVICE_FAIT', 'Service financier : constater le service fait.'),
      simple('MANDATER', 'Service financier : mandater.'),
      simple('METTRE_EN_PAIEMENT', 'Service financier : mettre en paiement (arrête le délai de paiement).'),
      withMeta(
        z.object({
          type: z.literal('SUSPENDRE'),
          documentsManquants: z.array(texte).check(z.maxLength(100)),
        }),
        {
          description:
            "Service financier, ou maître d'ouvrage pendant la validation de l'état d'acompte : suspendre le délai de paiement, une seule fois par dossier, en listant chaque document manquant.",
        },
      ),
      withMeta(z.object({ type: z.literal('METTRE_A_RECYCLER'), motif: texte }), {
        description: 'Service financier : renvoyer la pièce pour erreur de destinataire.',
      }),
      withMeta(z.object({ type: z.literal('REJETER'), motif: texte }), {
        description: 'Service financier : rejeter (définitif).',
      }),
      withMeta(
        z.object({
          type: z.literal('COMPLETER'),
          documents: withMeta(z.optional(z.array(texte).check(z.maxLength(100))), {
            description: 'Les documents envoyés, nommés ; par défaut les noms des fichiers.',
          }),
          fichiers: withMeta(z.optional(z.array(fichierId).check(z.maxLength(MAX_FILES_PER_PIECE))), {
            description:
              'Fichiers déposés sur la pièce suspendue (POST …/pieces/{pieceId}/fichiers, rôle ANNEXE), vérifiés.',
          }),
        }),
        { description: 'Fournisseur : envoyer les documents manquants après une suspension.' },
      ),
      withMeta(
        z.looseObject({
          type: z.literal('RECYCLER'),
          siret: z.optional(z.string().check(z.maxLength(SIRET_TEXT_MAX))),
          codeService: z.optional(z.string().check(z.maxLength(CODE_TEXT_MAX))),
          engagementJuridique: z.optional(z.string().check(z.maxLength(CODE_TEXT_MAX))),
        }),
        {
          description: 'Déposant : ré-adresser la pièce (seuls SIRET, code service et engagement peuvent changer).',
        },
      ),
      withMeta(z.object({ type: z.literal('DELAI_EXPIRE') }), {
        description: 'Réservé au système (expiration d’un délai) : toujours refusé par l’API (403 ROLE_NON_AUTORISE).',
      }),
    ]),
    { id: 'ActionDossier' },
  ),
);

export type ActionBody = z.output<typeof actionBody>;

/** Whether an action deposits a piece (it then names a draft, sent by the piece service). */
export function isPieceAction(body: ActionBody): body is Extract<ActionBody, { pieceId: string }> {
  return 'pieceId' in body && typeof body.pieceId === 'string';
}

/** The fields of a piece-depositing action beyond its piece (what PieceService.send puts next to the piece). */
export function pieceActionExtras(body: {
  type: PieceActionType;
  destinataire?: { siret: string; codeService?: string; engagementJuridique?: string };
  memoireReclamation?: string;
  sommesAdmises?: number;
}): Record<string, unknown> & { type: PieceActionType } {
  return {
    type: body.type,
    ...(body.destinataire ? { destinataire: body.destinataire } : {}),
    ...(body.memoireReclamation !== undefined ? { memoireReclamation: body.memoireReclamation } : {}),
    ...(body.sommesAdmises !== undefined ? { sommesAdmisesCents: body.sommesAdmises } : {}),
  };
}

/** The circuit action of an action that deposits no piece: the API's fields are the circuit's. */
export function toCircuitAction(body: Exclude<ActionBody, { pieceId: string }>): Action {
  return body as Action;
}

// --------------------------------------------------------------------------------------------------- responses

const party = /* @__PURE__ */ pure(() => z.object({ siret: z.string(), role: z.string() }));

/** An action a structure may take now. */
const actionOffered = /* @__PURE__ */ pure(() =>
  z.object({
    type: z.string(),
    libelle: z.string(),
    envoieUnePiece: withMeta(z.boolean(), {
      description:
        'Vrai quand l’action envoie une pièce : elle nomme un brouillon de la structure et passe par POST /v1/dossiers/{dossierId}/pieces/{pieceId}/envoyer ; faux quand elle passe par POST /v1/dossiers/{dossierId}/actions.',
    }),
  }),
);

const pendingActor = /* @__PURE__ */ pure(() =>
  z.object({
    siret: z.string(),
    role: z.string(),
    actions: z.array(actionOffered),
  }),
);

export const attenteOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      etape: z.string(),
      libelle: z.string(),
      depuis: withMeta(calendarDateString, {
        description: 'Jour où l’attente a commencé (le fait qui déclenche son délai).',
      }),
      acteur: pendingActor,
      autresActeurs: z.array(pendingActor),
      dernierJour: z.nullable(calendarDateString),
      expireA: withMeta(z.nullable(z.string()), { description: 'Instant où le délai de l’étape est dépassé.' }),
      relanceA: z.nullable(z.string()),
      source: withMeta(z.nullable(z.string()), { description: 'Texte qui fixe le délai.' }),
      aExpiration: withMeta(z.nullable(z.string()), { description: 'Ce que fait le système quand le délai passe.' }),
      enRetardDepuis: z.nullable(calendarDateString),
    }),
    { id: 'ActionAttendue' },
  ),
);

const holder = /* @__PURE__ */ pure(() => z.enum(['MOE', 'MOA', 'SERVICE_FINANCIER']));

export const delaiOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      statut: z.enum(['NON_DEMARRE', 'EN_COURS', 'SUSPENDU', 'PAYE', 'PAIEMENT_NON_REMONTE', 'ANNULE']),
      auJour: calendarDateString,
      debut: z.optional(calendarDateString),
      echeance: z.optional(calendarDateString),
      echeanceFinA: withMeta(z.optional(z.string()), {
        description: 'Instant (24 h, heure de Paris) où le délai expire.',
      }),
      detenteur: z.optional(z.string()),
      datePaiement: withMeta(z.nullable(calendarDateString), {
        description: 'Jour de la mise en paiement ; null tant qu’elle n’a pas eu lieu ou n’est pas remontée.',
      }),
      datePaiementInconnue: withMeta(z.optional(z.string()), {
        description: 'Présent quand l’acheteur ne remonte pas la mise en paiement : ce que cela implique.',
      }),
      suspendu: z.boolean(),
      suspension: z.optional(
        z.object({
          le: calendarDateString,
          documentsManquants: z.array(z.string()),
          repriseLe: z.optional(calendarDateString),
          joursRestantsALaSuspension: z.int(),
          nouveauDelaiJours: z.int(),
          echeanceAvantSuspension: calendarDateString,
        }),
      ),
      joursEcoules: z.int(),
      joursSuspendus: z.int(),
      joursParActeur: z.object({ MOE: z.int(), MOA: z.int(), SERVICE_FINANCIER: z.int() }),
      joursRestants: z.int(),
      joursDeRetard: z.int(),
      indemniteForfaitaire: amountString,
      interetsMoratoires: z.optional(
        z.object({
          jours: z.int(),
          depuis: calendarDateString,
          semestre: calendarDateString,
          tauxBce: withMeta(z.string(), { description: 'Taux BCE du semestre, en pourcentage (exemple : 4.50).' }),
          taux: withMeta(z.string(), { description: 'Taux appliqué (BCE + 8 points), en pourcentage.' }),
          base: amountString,
          assiette: z.optional(assietteOutput),
          montant: amountString,
          total: withMeta(amountString, { description: 'Intérêts + indemnité forfaitaire.' }),
        }),
      ),
      interetsNonCalculables: withMeta(z.optional(z.object({ code: z.string(), message: z.string() })), {
        description: 'En retard sans montant d’intérêts : la raison (taux BCE inconnu, aucun montant…).',
      }),
      periodes: withMeta(
        z.array(
          z.object({
            detenteur: holder,
            du: withMeta(calendarDateString, { description: 'Premier jour décompté, inclus.' }),
            au: withMeta(calendarDateString, { description: 'Dernier jour décompté, inclus.' }),
            jours: z.int(),
            enRetard: withMeta(z.boolean(), { description: 'Jours après l’échéance (intérêts moratoires).' }),
          }),
        ),
        {
          description:
            'Qui détenait le dossier, jour par jour, dans l’ordre : le jour 0 (départ) n’est pas décompté ; la somme des jours vaut joursEcoules.',
        },
      ),
      periodeSuspendue: withMeta(
        z.optional(z.object({ du: calendarDateString, au: calendarDateString, jours: z.int(), enCours: z.boolean() })),
        { description: 'Les jours où la suspension a arrêté le délai (un trou dans la frise).' },
      ),
      enRetardDepuis: withMeta(z.optional(calendarDateString), {
        description: 'Premier jour de retard (échéance + 1).',
      }),
      joursDeRetardParActeur: z.object({ MOE: z.int(), MOA: z.int(), SERVICE_FINANCIER: z.int() }),
    }),
    { id: 'DelaiGlobalDePaiement' },
  ),
);

export const evenementOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      seq: z.int(),
      le: z.string(),
      type: z.string(),
      acteurSiret: z.optional(z.string()),
      acteurRole: z.optional(z.string()),
      utilisateurId: z.optional(z.string()),
      pieceId: z.optional(z.string()),
      details: z.optional(z.record(z.string(), z.unknown())),
      empreintesFichiers: z.optional(z.array(z.string())),
    }),
    { id: 'EvenementDossier' },
  ),
);

export const dossierOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      id: z.string(),
      marcheId: z.string(),
      version: z.int(),
      type: z.enum(['ACOMPTE_MENSUEL', 'SOLDE']),
      origine: z.enum(['TITULAIRE', 'SOUS_TRAITANT', 'COTRAITANT']),
      circuit: withMeta(z.enum(['STANDARD', 'SANS_MOE', 'VALIDATION_DELEGUEE_MOE']), {
        description:
          'STANDARD : MOE (A15) puis MOA (A19 / A20) ; SANS_MOE : marché sans maître d’œuvre (A5, puis A6 après validation du MOA) ; VALIDATION_DELEGUEE_MOE : « MOA présente : non », le MOE valide (A16) et notifie le décompte général (A18).',
      }),
      miseEnPaiementRemontee: withMeta(z.boolean(), {
        description: 'Faux : l’acheteur ne remonte pas la mise en paiement ; le dossier s’arrête au mandatement.',
      }),
      etat: z.string(),
      libelleEtat: z.string(),
      statut: z.string(),
      clos: z.boolean(),
      issue: z.nullable(z.string()),
      ouvertLe: z.string(),
      majLe: z.string(),
      parties: z.object({
        fournisseur: party,
        titulaire: party,
        valideurs: z.array(party),
        moe: withMeta(z.nullable(party), {
          description: 'null quand le marché ne désigne pas de maître d’œuvre (circuit A5 / A6).',
        }),
        moa: party,
        serviceFinancier: z.object({
          siret: z.string(),
          codeService: z.optional(z.string()),
          engagementJuridique: z.optional(z.string()),
        }),
      }),
      pieces: z.array(pieceOutput),
      brouillons: withMeta(
        z.array(z.object({ id: z.string(), cadre: z.string(), numero: z.string(), creeLe: z.optional(z.string()) })),
        { description: 'Pièces non envoyées de votre structure (visibles d’elle seule).' },
      ),
      attente: z.nullable(attenteOutput),
      mesActions: withMeta(z.array(actionOffered), {
        description: 'Les actions que votre structure peut faire maintenant.',
      }),
      suspension: z.nullable(
        z.object({
          le: calendarDateString,
          documentsManquants: z.array(z.string()),
          completeeLe: z.nullable(calendarDateString),
        }),
      ),
      refus: z.nullable(z.object({ par: party, motif: z.string(), le: calendarDateString })),
      complementsInformation: withMeta(
        z.array(z.object({ niveau: z.int(), par: z.string(), le: calendarDateString, texte: z.string() })),
        { description: 'Les « Compléments d’information » des valideurs, visibles de tous les acteurs.' },
      ),
      delai: z.nullable(delaiOutput),
      chronologie: z.array(evenementOutput),
    }),
    { id: 'Dossier' },
  ),
);

export const resultatActionOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      dossierId: z.string(),
      version: z.int(),
      etat: z.string(),
      libelleEtat: z.string(),
      statut: z.string(),
      statutPrecedent: z.nullable(z.string()),
      clos: z.boolean(),
      attente: z.nullable(attenteOutput),
      delai: z.nullable(delaiOutput),
      evenements: z.array(evenementOutput),
      certificat: z.optional(z.string()),
      message: z.optional(z.string()),
    }),
    { id: 'ResultatAction' },
  ),
);

export const dossierResumeOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      id: z.string(),
      version: z.int(),
      type: z.optional(z.string()),
      origine: z.optional(z.string()),
      etat: z.optional(z.string()),
      statut: z.string(),
      ouvert: z.boolean(),
      fournisseurSiret: z.optional(z.string()),
      pieceCourante: z.optional(z.object({ cadre: z.string(), numero: z.string() })),
      ouvertLe: z.string(),
      majLe: z.string(),
    }),
    { id: 'DossierResume' },
  ),
);

export const listeDossiersOutput = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      dossiers: z.array(dossierResumeOutput),
      suivant: withMeta(z.optional(z.string()), { description: 'À renvoyer dans « suivant » pour la page suivante.' }),
    }),
    { id: 'ListeDossiers' },
  ),
);
