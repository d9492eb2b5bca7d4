import * as z from 'zod/mini';
import { pure } from '../domain/pure';
import { amountString, calendarDateString } from './common';
import { assietteOutput, pieceOutput } from './dossier-pieces';
import { withMeta } from './meta';

/**
 * The dossier de facturation in the API's answers (docs/rules/circuits.md, docs/rules/dgp.md): what a dossier, its
 * DGP clock and its audit trail look like on the wire. The actions an actor sends: ./dossier-actions.ts.
 */

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
