import * as z from 'zod';
import type { Action, ActionType } from '../domain/circuits';
import type { PieceActionType } from '../domain/circuits/actions';
import { MAX_FILES_PER_PIECE } from '../domain/pieces';
import { amount, amountString, CODE_TEXT_MAX, calendarDateString, SIRET_TEXT_MAX } from './common';
import { assietteOutput, pieceOutput } from './dossier-pieces';
import { destinataireInput, fichierId, montantsInput, pieceId } from './pieces';

/**
 * The dossier de facturation at the API (docs/rules/circuits.md, docs/rules/dgp.md): the actions an actor sends, and what a dossier, its DGP
 * clock and its audit trail look like on the wire. The action vocabulary is the circuits' own (ACTION_TYPES of
 * shared/domain/circuits); the API adds only `pieceId` (the draft a piece-depositing action sends) and amounts as
 * decimal strings.
 */

const texte = /* @__PURE__ */ z.string().trim().min(1).max(2000);
const motifRefus = /* @__PURE__ */ z
  .string()
  .trim()
  .min(1)
  .max(100)
  .meta({
    description:
      'MAUVAIS_MARCHE, MAUVAIS_DESTINATAIRE ou DONNEES_OBLIGATOIRES_MANQUANTES (jamais un désaccord de montant).',
    examples: ['MAUVAIS_DESTINATAIRE'],
  });
const pieceRef = { pieceId: pieceId.meta({ description: 'La pièce brouillon que cette action envoie.' }) };

const simple = <T extends ActionType>(type: T, description: string) =>
  z.object({ type: z.literal(type) }).meta({ description });

/** POST /v1/dossiers/{dossierId}/actions — one variant per action type (DEPOSER opens a dossier: see pieces). */
export const actionBody = /* @__PURE__ */ z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('VALIDER'),
        complementInformation: texte.optional().meta({
          description: 'Complément d’information : message facultatif, visible de tous les acteurs du dossier.',
        }),
      })
      .meta({
        description:
          'Valideur (titulaire, cotraitant, mandataire) : accepter la pièce du sous-traitant ou du cotraitant.',
      }),
    z
      .object({ type: z.literal('REFUSER'), motifs: texte })
      .meta({ description: 'Valideur : refuser, avec les motifs.' }),
    z
      .object({ type: z.literal('DEPOSER_ETAT_ACOMPTE'), ...pieceRef })
      .meta({ description: "Maître d'œuvre : déposer l'état d'acompte (A15), montants corrigés le cas échéant." }),
    z
      .object({ type: z.literal('REFUSER_MOE'), motif: motifRefus, commentaire: texte.optional() })
      .meta({ description: "Maître d'œuvre : refuser (pas pour un désaccord de montant)." }),
    z
      .object({ type: z.literal('DEPOSER_PROJET_DECOMPTE_GENERAL'), ...pieceRef })
      .meta({ description: "Maître d'œuvre : déposer le projet de décompte général (A17)." }),
    simple('SAISIR_MOA_DIRECTEMENT', "Fournisseur, après le silence du maître d'œuvre : saisir le maître d'ouvrage."),
    z
      .object({ type: z.literal('VALIDER_ETAT_ACOMPTE'), ...pieceRef, destinataire: destinataireInput.optional() })
      .meta({
        description:
          "Maître d'ouvrage : déposer l'état d'acompte validé (A19) ; maître d'œuvre à qui le maître d'ouvrage a délégué la validation (« MOA présente : non ») : l'état d'acompte validé (A16).",
      }),
    z
      .object({
        type: z.literal('VALIDER_ETAT_ACOMPTE_FOURNISSEUR'),
        montants: montantsInput.optional(),
        commentaire: texte.optional(),
      })
      .meta({
        description:
          "Maître d'ouvrage d'un marché sans maître d'œuvre : valider l'état d'acompte du titulaire (A5), montants corrigés le cas échéant.",
      }),
    z.object({ type: z.literal('DEPOSER_ETAT_ACOMPTE_VALIDE'), ...pieceRef }).meta({
      description:
        "Titulaire d'un marché sans maître d'œuvre : déposer l'état d'acompte validé (A6), aux montants validés par le maître d'ouvrage.",
    }),
    z
      .object({ type: z.literal('REFUSER_MOA'), motif: motifRefus, commentaire: texte.optional() })
      .meta({ description: "Maître d'ouvrage : refuser (pas pour un désaccord de montant)." }),
    z.object({ type: z.literal('NOTIFIER_DECOMPTE_GENERAL'), ...pieceRef }).meta({
      description:
        "Maître d'ouvrage : notifier le décompte général (A20) ; maître d'œuvre délégataire : le décompte général (A18).",
    }),
    z
      .object({ type: z.literal('SIGNER_DG'), ...pieceRef })
      .meta({ description: 'Titulaire : signer le décompte général (A8), qui devient définitif.' }),
    z
      .object({
        type: z.literal('SIGNER_DG_AVEC_RESERVES'),
        ...pieceRef,
        memoireReclamation: z.string().trim().min(1).max(10_000),
        sommesAdmises: amount.meta({ description: 'Sommes admises, payées dans les 30 jours.' }),
      })
      .meta({ description: 'Titulaire : signer avec réserves (mémoire en réclamation).' }),
    z.object({ type: z.literal('REFUSER_DG'), motifs: texte }).meta({ description: 'Titulaire : refuser le DG.' }),
    z
      .object({ type: z.literal('DEPOSER_PROJET_DG_TACITE'), ...pieceRef })
      .meta({ description: 'Titulaire : notifier le projet de décompte général signé (A22, procédure tacite).' }),
    z
      .object({ type: z.literal('DEPOSER_DGD_TACITE'), ...pieceRef })
      .meta({ description: 'Déposer le décompte général et définitif tacite (A23, A24, A25).' }),
    simple('SERVICE_FAIT', 'Service financier : constater le service fait.'),
    simple('MANDATER', 'Service financier : mandater.'),
    simple('METTRE_EN_PAIEMENT', 'Service financier : mettre en paiement (arrête le délai de paiement).'),
    z.object({ type: z.literal('SUSPENDRE'), documentsManquants: z.array(texte).max(100) }).meta({
      description:
        "Service financier, ou maître d'ouvrage pendant la validation de l'état d'acompte : suspendre le délai de paiement, une seule fois par dossier, en listant chaque document manquant.",
    }),
    z
      .object({ type: z.literal('METTRE_A_RECYCLER'), motif: texte })
      .meta({ description: 'Service financier : renvoyer la pièce pour erreur de destinataire.' }),
    z
      .object({ type: z.literal('REJETER'), motif: texte })
      .meta({ description: 'Service financier : rejeter (définitif).' }),
    z
      .object({
        type: z.literal('COMPLETER'),
        documents: z.array(texte).max(100).optional().meta({
          description: 'Les documents envoyés, nommés ; par défaut les noms des fichiers.',
        }),
        fichiers: z.array(fichierId).max(MAX_FILES_PER_PIECE).optional().meta({
          description:
            'Fichiers déposés sur la pièce suspendue (POST …/pieces/{pieceId}/fichiers, rôle ANNEXE), vérifiés.',
        }),
      })
      .meta({ description: 'Fournisseur : envoyer les documents manquants après une suspension.' }),
    z
      .looseObject({
        type: z.literal('RECYCLER'),
        siret: z.string().max(SIRET_TEXT_MAX).optional(),
        codeService: z.string().max(CODE_TEXT_MAX).optional(),
        engagementJuridique: z.string().max(CODE_TEXT_MAX).optional(),
      })
      .meta({
        description: 'Déposant : ré-adresser la pièce (seuls SIRET, code service et engagement peuvent changer).',
      }),
    z.object({ type: z.literal('DELAI_EXPIRE') }).meta({
      description: 'Réservé au système (expiration d’un délai) : toujours refusé par l’API (403 ROLE_NON_AUTORISE).',
    }),
  ])
  .meta({ id: 'ActionDossier' });

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

const party = /* @__PURE__ */ z.object({ siret: z.string(), role: z.string() });

/** An action a structure may take now. */
const actionOffered = /* @__PURE__ */ z.object({
  type: z.string(),
  libelle: z.string(),
  envoieUnePiece: z.boolean().meta({
    description:
      'Vrai quand l’action envoie une pièce : elle nomme un brouillon de la structure et passe par POST /v1/dossiers/{dossierId}/pieces/{pieceId}/envoyer ; faux quand elle passe par POST /v1/dossiers/{dossierId}/actions.',
  }),
});

const pendingActor = /* @__PURE__ */ z.object({
  siret: z.string(),
  role: z.string(),
  actions: z.array(actionOffered),
});

export const attenteOutput = /* @__PURE__ */ z
  .object({
    etape: z.string(),
    libelle: z.string(),
    depuis: calendarDateString.meta({ description: 'Jour où l’attente a commencé (le fait qui déclenche son délai).' }),
    acteur: pendingActor,
    autresActeurs: z.array(pendingActor),
    dernierJour: calendarDateString.nullable(),
    expireA: z.string().nullable().meta({ description: 'Instant où le délai de l’étape est dépassé.' }),
    relanceA: z.string().nullable(),
    source: z.string().nullable().meta({ description: 'Texte qui fixe le délai.' }),
    aExpiration: z.string().nullable().meta({ description: 'Ce que fait le système quand le délai passe.' }),
    enRetardDepuis: calendarDateString.nullable(),
  })
  .meta({ id: 'ActionAttendue' });

const holder = /* @__PURE__ */ z.enum(['MOE', 'MOA', 'SERVICE_FINANCIER']);

export const delaiOutput = /* @__PURE__ */ z
  .object({
    statut: z.enum(['NON_DEMARRE', 'EN_COURS', 'SUSPENDU', 'PAYE', 'PAIEMENT_NON_REMONTE', 'ANNULE']),
    auJour: calendarDateString,
    debut: calendarDateString.optional(),
    echeance: calendarDateString.optional(),
    echeanceFinA: z.string().optional().meta({ description: 'Instant (24 h, heure de Paris) où le délai expire.' }),
    detenteur: z.string().optional(),
    datePaiement: calendarDateString
      .nullable()
      .meta({ description: 'Jour de la mise en paiement ; null tant qu’elle n’a pas eu lieu ou n’est pas remontée.' }),
    datePaiementInconnue: z
      .string()
      .optional()
      .meta({ description: 'Présent quand l’acheteur ne remonte pas la mise en paiement : ce que cela implique.' }),
    suspendu: z.boolean(),
    suspension: z
      .object({
        le: calendarDateString,
        documentsManquants: z.array(z.string()),
        repriseLe: calendarDateString.optional(),
        joursRestantsALaSuspension: z.int(),
        nouveauDelaiJours: z.int(),
        echeanceAvantSuspension: calendarDateString,
      })
      .optional(),
    joursEcoules: z.int(),
    joursSuspendus: z.int(),
    joursParActeur: z.object({ MOE: z.int(), MOA: z.int(), SERVICE_FINANCIER: z.int() }),
    joursRestants: z.int(),
    joursDeRetard: z.int(),
    indemniteForfaitaire: amountString,
    interetsMoratoires: z
      .object({
        jours: z.int(),
        depuis: calendarDateString,
        semestre: calendarDateString,
        tauxBce: z.string().meta({ description: 'Taux BCE du semestre, en pourcentage (exemple : 4.50).' }),
        taux: z.string().meta({ description: 'Taux appliqué (BCE + 8 points), en pourcentage.' }),
        base: amountString,
        assiette: assietteOutput.optional(),
        montant: amountString,
        total: amountString.meta({ description: 'Intérêts + indemnité forfaitaire.' }),
      })
      .optional(),
    interetsNonCalculables: z
      .object({ code: z.string(), message: z.string() })
      .optional()
      .meta({ description: 'En retard sans montant d’intérêts : la raison (taux BCE inconnu, aucun montant…).' }),
    periodes: z
      .array(
        z.object({
          detenteur: holder,
          du: calendarDateString.meta({ description: 'Premier jour décompté, inclus.' }),
          au: calendarDateString.meta({ description: 'Dernier jour décompté, inclus.' }),
          jours: z.int(),
          enRetard: z.boolean().meta({ description: 'Jours après l’échéance (intérêts moratoires).' }),
        }),
      )
      .meta({
        description:
          'Qui détenait le dossier, jour par jour, dans l’ordre : le jour 0 (départ) n’est pas décompté ; la somme des jours vaut joursEcoules.',
      }),
    periodeSuspendue: z
      .object({ du: calendarDateString, au: calendarDateString, jours: z.int(), enCours: z.boolean() })
      .optional()
      .meta({ description: 'Les jours où la suspension a arrêté le délai (un trou dans la frise).' }),
    enRetardDepuis: calendarDateString.optional().meta({ description: 'Premier jour de retard (échéance + 1).' }),
    joursDeRetardParActeur: z.object({ MOE: z.int(), MOA: z.int(), SERVICE_FINANCIER: z.int() }),
  })
  .meta({ id: 'DelaiGlobalDePaiement' });

export const evenementOutput = /* @__PURE__ */ z
  .object({
    seq: z.int(),
    le: z.string(),
    type: z.string(),
    acteurSiret: z.string().optional(),
    acteurRole: z.string().optional(),
    utilisateurId: z.string().optional(),
    pieceId: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
    empreintesFichiers: z.array(z.string()).optional(),
  })
  .meta({ id: 'EvenementDossier' });

export const dossierOutput = /* @__PURE__ */ z
  .object({
    id: z.string(),
    marcheId: z.string(),
    version: z.int(),
    type: z.enum(['ACOMPTE_MENSUEL', 'SOLDE']),
    origine: z.enum(['TITULAIRE', 'SOUS_TRAITANT', 'COTRAITANT']),
    circuit: z.enum(['STANDARD', 'SANS_MOE', 'VALIDATION_DELEGUEE_MOE']).meta({
      description:
        'STANDARD : MOE (A15) puis MOA (A19 / A20) ; SANS_MOE : marché sans maître d’œuvre (A5, puis A6 après validation du MOA) ; VALIDATION_DELEGUEE_MOE : « MOA présente : non », le MOE valide (A16) et notifie le décompte général (A18).',
    }),
    miseEnPaiementRemontee: z.boolean().meta({
      description: 'Faux : l’acheteur ne remonte pas la mise en paiement ; le dossier s’arrête au mandatement.',
    }),
    etat: z.string(),
    libelleEtat: z.string(),
    statut: z.string(),
    clos: z.boolean(),
    issue: z.string().nullable(),
    ouvertLe: z.string(),
    majLe: z.string(),
    parties: z.object({
      fournisseur: party,
      titulaire: party,
      valideurs: z.array(party),
      moe: party
        .nullable()
        .meta({ description: 'null quand le marché ne désigne pas de maître d’œuvre (circuit A5 / A6).' }),
      moa: party,
      serviceFinancier: z.object({
        siret: z.string(),
        codeService: z.string().optional(),
        engagementJuridique: z.string().optional(),
      }),
    }),
    pieces: z.array(pieceOutput),
    brouillons: z
      .array(z.object({ id: z.string(), cadre: z.string(), numero: z.string(), creeLe: z.string().optional() }))
      .meta({ description: 'Pièces non envoyées de votre structure (visibles d’elle seule).' }),
    attente: attenteOutput.nullable(),
    mesActions: z.array(actionOffered).meta({ description: 'Les actions que votre structure peut faire maintenant.' }),
    suspension: z
      .object({
        le: calendarDateString,
        documentsManquants: z.array(z.string()),
        completeeLe: calendarDateString.nullable(),
      })
      .nullable(),
    refus: z.object({ par: party, motif: z.string(), le: calendarDateString }).nullable(),
    complementsInformation: z
      .array(z.object({ niveau: z.int(), par: z.string(), le: calendarDateString, texte: z.string() }))
      .meta({ description: 'Les « Compléments d’information » des valideurs, visibles de tous les acteurs.' }),
    delai: delaiOutput.nullable(),
    chronologie: z.array(evenementOutput),
  })
  .meta({ id: 'Dossier' });

export const resultatActionOutput = /* @__PURE__ */ z
  .object({
    dossierId: z.string(),
    version: z.int(),
    etat: z.string(),
    libelleEtat: z.string(),
    statut: z.string(),
    statutPrecedent: z.string().nullable(),
    clos: z.boolean(),
    attente: attenteOutput.nullable(),
    delai: delaiOutput.nullable(),
    evenements: z.array(evenementOutput),
    certificat: z.string().optional(),
    message: z.string().optional(),
  })
  .meta({ id: 'ResultatAction' });

export const dossierResumeOutput = /* @__PURE__ */ z
  .object({
    id: z.string(),
    version: z.int(),
    type: z.string().optional(),
    origine: z.string().optional(),
    etat: z.string().optional(),
    statut: z.string(),
    ouvert: z.boolean(),
    fournisseurSiret: z.string().optional(),
    pieceCourante: z.object({ cadre: z.string(), numero: z.string() }).optional(),
    ouvertLe: z.string(),
    majLe: z.string(),
  })
  .meta({ id: 'DossierResume' });

export const listeDossiersOutput = /* @__PURE__ */ z
  .object({
    dossiers: z.array(dossierResumeOutput),
    suivant: z.string().optional().meta({ description: 'À renvoyer dans « suivant » pour la page suivante.' }),
  })
  .meta({ id: 'ListeDossiers' });
