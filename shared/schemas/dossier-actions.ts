import * as z from 'zod/mini';
import type { Action, ActionType } from '../domain/circuits';
import type { PieceActionType } from '../domain/circuits/actions';
import { MAX_FILES_PER_PIECE } from '../domain/pieces';
import { pure } from '../domain/pure';
import { amount, CODE_TEXT_MAX, SIRET_TEXT_MAX } from './common';
import { withMeta } from './meta';
import { destinataireInput, fichierId, montantsInput, pieceId } from './pieces';

/**
 * The actions an actor sends on a dossier de facturation (docs/rules/circuits.md). The action vocabulary is the
 * circuits' own (ACTION_TYPES of shared/domain/circuits); the API adds only `pieceId` (the draft a piece-depositing
 * action sends) and amounts as decimal strings. What a dossier looks like in answers: ./dossier.ts.
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
