import { fr } from 'zod/locales';
import * as z from 'zod/mini';
import { DomainError, type FieldIssue } from './errors';
import { formatRate, RETENUE_GARANTIE_MAX_BP } from './money';
import { pure } from './pure';
import { ROLES, type Role } from './roles';
import { validateSiret } from './siret';

/**
 * The fiche d'identité du marché (docs/rules/marche.md). SHAPE IS A CONTRACT used by circuits, workflows and the API:
 * refinements (cross-field checks) may be added, fields may be added, existing fields keep their meaning.
 * Money fields are integer cents; rates are basis points (1 % = 100) to stay exact.
 */
export const marcheActeurSchema = /* @__PURE__ */ pure(() =>
  z.object({
    role: z.enum(ROLES),
    siret: z.string(),
    raisonSociale: z.string().check(z.minLength(1)),
    codeService: z.optional(z.string()),
    engagementJuridique: z.optional(z.string()),
    /** SOUS_TRAITANT only. */
    paiementDirect: z.optional(z.boolean()),
    montantSousTraiteTtcCents: z.optional(z.number().check(z.int())),
    /** SOUS_TRAITANT and COTRAITANT: SIRET of the structure that validates its pieces first (titulaire / cotraitant). */
    valideurSiret: z.optional(z.string()),
    /** Second validation (mandataire) for a sous-traitant of a cotraitant. */
    valideur2Siret: z.optional(z.string()),
  }),
);
export type MarcheActeur = z.infer<typeof marcheActeurSchema>;

/** Kind of public buyer, which sets the legal maximum DGP (CCP R2192-10, R2192-11). */
export const TYPES_ACHETEUR = ['ETAT_COLLECTIVITE', 'ETABLISSEMENT_SANTE', 'ENTREPRISE_PUBLIQUE'] as const;
export type TypeAcheteur = (typeof TYPES_ACHETEUR)[number];

/** CCP R2192-10 (State, collectivités: 30 days; établissements publics de santé: 50) and R2192-11 (60 days). */
export const DGP_MAX_JOURS: Readonly<Record<TypeAcheteur, number>> = {
  ETAT_COLLECTIVITE: 30,
  ETABLISSEMENT_SANTE: 50,
  ENTREPRISE_PUBLIQUE: 60,
};

/** Décret 2013-269 art. 5: the MOE's time may not exceed 15 days. */
export const DELAI_MOE_MAX_JOURS = 15;
/** CCAG-T 2014 art. 13.2.2 (2021: 12.2.2): 7 days unless the contract says otherwise. */
export const DELAI_MOE_DEFAUT_JOURS = 7;
/**
 * Reminder of a wait's deadline, this many days before its last day (issue 13): a parameter of the marché, 3 by
 * default, from 1 to 15 (15 days is the longest delay of an actor of the circuit, décret 2013-269 art. 5).
 */
export const RAPPEL_JOURS_AVANT_DEFAUT = 3;
export const RAPPEL_JOURS_AVANT_MAX = 15;
/** CCP R2193-10: paiement direct of a sous-traitant from 600 € TTC. */
export const PAIEMENT_DIRECT_SEUIL_TTC_CENTS = 60_000;

/**
 * The shape without cross-field checks, for `.pick()` / `.omit()` (zod refuses them on a refined schema).
 * Parse with `marcheSchema` or `parseMarche`, never with this one.
 */
export const marcheObjectSchema = /* @__PURE__ */ pure(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    numeroMarche: z.string().check(z.minLength(1)),
    objet: z.string().check(z.minLength(1)),
    lots: z._default(z.array(z.string()), []),
    ccagVersion: z.enum(['2009', '2021']),
    acteurs: z.array(marcheActeurSchema).check(z.minLength(1)),
    groupement: z.object({
      mode: z.enum(['NONE', 'CONJOINT', 'SOLIDAIRE']),
      cotraitantBilling: z._default(
        z.enum(['OWN_PIECES_WITH_MANDATAIRE_VALIDATION', 'MANDATAIRE_GLOBAL']),
        'OWN_PIECES_WITH_MANDATAIRE_VALIDATION',
      ),
    }),
    montantInitialHtCents: z.number().check(z.int(), z.nonnegative()),
    tauxTvaBp: z.array(z.number().check(z.int(), z.nonnegative())).check(z.minLength(1)),
    retenueGarantieBp: z.number().check(z.int(), z.nonnegative()),
    avance: z.optional(
      z.object({
        tauxBp: z.number().check(z.int(), z.nonnegative()),
        remboursementDebutBp: z.optional(z.number().check(z.int(), z.nonnegative())),
      }),
    ),
    dgpJours: z.number().check(z.int(), z.positive()),
    delaiMoeJours: z._default(z.number().check(z.int(), z.positive()), DELAI_MOE_DEFAUT_JOURS),
    receptionDemandesPaiement: z._default(z.enum(['MOE', 'MOA']), 'MOE'),
    dateNotification: z.optional(z.string()),
    /** Added: sets the legal maximum of `dgpJours`; default State / collectivités. */
    typeAcheteur: z._default(z.enum(TYPES_ACHETEUR), 'ETAT_COLLECTIVITE'),
    /** Added: days before a wait's last day at which its reminder goes out (1 to RAPPEL_JOURS_AVANT_MAX). */
    rappelJoursAvant: z._default(z.number().check(z.int(), z.positive()), RAPPEL_JOURS_AVANT_DEFAUT),
  }),
);

const TYPE_ACHETEUR_LABELS: Record<TypeAcheteur, string> = {
  ETAT_COLLECTIVITE: "l'État et les collectivités territoriales",
  ETABLISSEMENT_SANTE: 'un établissement public de santé',
  ENTREPRISE_PUBLIQUE: 'une entreprise publique',
};

type MarcheShape = z.output<typeof marcheObjectSchema>;

/** Every cross-field fault of a marché whose fields each have the right type (docs/rules/marche.md). */
export function marcheIssues(m: MarcheShape): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };

  // CCP R2192-10, R2192-11: a contract may shorten the DGP, never lengthen it
  const dgpMax = DGP_MAX_JOURS[m.typeAcheteur];
  if (m.dgpJours > dgpMax) {
    add(
      'dgpJours',
      `Délai global de paiement de ${m.dgpJours} jours : au plus ${dgpMax} jours pour ${TYPE_ACHETEUR_LABELS[m.typeAcheteur]} (CCP R2192-10 et R2192-11) ; un marché peut seulement le réduire.`,
    );
  }
  // Décret 2013-269 art. 5: MOE time ≤ 15 days
  if (m.delaiMoeJours > DELAI_MOE_MAX_JOURS) {
    add(
      'delaiMoeJours',
      `Délai du maître d'œuvre de ${m.delaiMoeJours} jours : il ne peut dépasser ${DELAI_MOE_MAX_JOURS} jours (décret 2013-269 art. 5).`,
    );
  }
  // Issue 13: a reminder further ahead than the longest delay would come before the wait itself
  if (m.rappelJoursAvant > RAPPEL_JOURS_AVANT_MAX) {
    add(
      'rappelJoursAvant',
      `Rappel ${m.rappelJoursAvant} jours avant l'échéance : choisissez entre 1 et ${RAPPEL_JOURS_AVANT_MAX} jours (3 par défaut).`,
    );
  }
  // CCP R2191-33: retenue de garantie ≤ 5 %
  if (m.retenueGarantieBp > RETENUE_GARANTIE_MAX_BP) {
    add(
      'retenueGarantieBp',
      `Retenue de garantie de ${formatRate(m.retenueGarantieBp)} % : elle ne peut dépasser 5 % (CCP R2191-33).`,
    );
  }

  const sirets = new Set(m.acteurs.map((a) => a.siret));
  m.acteurs.forEach((a, i) => {
    // INSEE: SIRET check (docs/rules/structures.md#siret)
    const v = validateSiret(a.siret);
    if (!v.ok) add(`acteurs.${i}.siret`, `${a.raisonSociale} : ${v.error.message}`);
    // CCP R2193-10: paiement direct only when the subcontracted share reaches 600 € TTC
    if (a.paiementDirect === true) {
      if (a.montantSousTraiteTtcCents === undefined) {
        add(
          `acteurs.${i}.montantSousTraiteTtcCents`,
          `${a.raisonSociale} : indiquez le montant sous-traité TTC accepté (paiement direct).`,
        );
      } else if (a.montantSousTraiteTtcCents < PAIEMENT_DIRECT_SEUIL_TTC_CENTS) {
        add(
          `acteurs.${i}.paiementDirect`,
          `${a.raisonSociale} : le paiement direct n'est ouvert qu'à partir de 600 € TTC sous-traités (CCP R2193-10).`,
        );
      }
    }
    // Chorus Pro « Factures à valider »: a sous-traitant's or cotraitant's pieces are validated by an acteur first
    if (a.role === 'SOUS_TRAITANT' || a.role === 'COTRAITANT') {
      const label = a.role === 'SOUS_TRAITANT' ? 'sous-traitant' : 'cotraitant';
      if (a.valideurSiret === undefined || a.valideurSiret.length === 0) {
        add(
          `acteurs.${i}.valideurSiret`,
          `${a.raisonSociale} (${label}) : indiquez le SIRET de la structure qui valide ses pièces (titulaire, mandataire ou cotraitant).`,
        );
      } else if (!sirets.has(a.valideurSiret)) {
        add(
          `acteurs.${i}.valideurSiret`,
          `${a.raisonSociale} (${label}) : le valideur ${a.valideurSiret} n'est pas un acteur du marché.`,
        );
      }
    }
    if (a.valideur2Siret !== undefined && !sirets.has(a.valideur2Siret)) {
      add(
        `acteurs.${i}.valideur2Siret`,
        `${a.raisonSociale} : le second valideur ${a.valideur2Siret} n'est pas un acteur du marché.`,
      );
    }
  });

  const count = (role: Role): number => m.acteurs.filter((a) => a.role === role).length;
  // docs/rules/actors.md: one public buyer (MOA) per marché
  if (count('MOA') !== 1) {
    add('acteurs', `Le marché doit désigner exactement un maître d'ouvrage (MOA) ; ${count('MOA')} trouvé(s).`);
  }
  // docs/rules/actors.md: the works company holding the contract
  if (count('TITULAIRE') + count('MANDATAIRE') === 0) {
    add('acteurs', 'Le marché doit désigner un titulaire (ou le mandataire du groupement).');
  }
  // CCP R2192-12: payment requests received by the MOE need a MOE on the marché
  if (m.receptionDemandesPaiement === 'MOE' && count('MOE') === 0) {
    add(
      'receptionDemandesPaiement',
      "Les demandes de paiement sont reçues par le maître d'œuvre, mais le marché n'a pas de MOE : ajoutez-le ou choisissez MOA.",
    );
  }
  // docs/rules/actors.md, docs/rules/marche.md: a groupement bills and validates through its mandataire
  if (m.groupement.mode !== 'NONE' && count('MANDATAIRE') === 0) {
    add('groupement.mode', 'Un groupement (conjoint ou solidaire) doit désigner son mandataire parmi les acteurs.');
  }
  return issues;
}

const pathSegment = (s: string): string | number => (/^\d+$/.test(s) ? Number(s) : s);

/**
 * The fiche d'identité du marché with its cross-field checks (docs/rules/marche.md). Cross-field checks run once every
 * field has the right type.
 */
export const marcheSchema = marcheObjectSchema.check(
  z.superRefine((m, ctx) => {
    for (const issue of marcheIssues(m)) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path.split('.').map(pathSegment) });
    }
  }),
);
export type Marche = z.infer<typeof marcheSchema>;

/** Parses a marché; throws `MARCHE_INVALIDE` listing every fault (dotted path + French message) in `fields`. */
export function parseMarche(input: unknown): Marche {
  const result = marcheSchema.safeParse(input, { error: fr().localeError });
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || 'marche',
    message: i.message,
  }));
  throw new DomainError(
    'MARCHE_INVALIDE',
    `La fiche du marché comporte ${fields.length} erreur(s) : ${fields.map((f) => `${f.path} : ${f.message}`).join(' ; ')}`,
    'INVALID',
    fields,
  );
}

/** The acteurs holding `role` on the marché. */
export function acteursOf(marche: Marche, role: Role): MarcheActeur[] {
  return marche.acteurs.filter((a) => a.role === role);
}

/** Every role the structure `siret` holds on the marché, in `ROLES` order, without duplicates. */
export function rolesOf(marche: Marche, siret: string): Role[] {
  const held = new Set(marche.acteurs.filter((a) => a.siret === siret).map((a) => a.role));
  return ROLES.filter((r) => held.has(r));
}
