import * as z from 'zod/mini';
import { DomainError, isDomainError } from '../domain/errors';
import { RAPPEL_JOURS_AVANT_DEFAUT, RAPPEL_JOURS_AVANT_MAX, TYPES_ACHETEUR } from '../domain/marche';
import type { BasisPoints } from '../domain/money';
import { pure } from '../domain/pure';
import type { MarcheSummary, StoredMarche } from '../domain/records';
import { ROLES } from '../domain/roles';
import {
  amount,
  amountString,
  CODE_TEXT_MAX,
  calendarDate,
  calendarDateString,
  id,
  SIRET_TEXT_MAX,
  toAmountString,
  version,
} from './common';
import { withMeta } from './meta';

/**
 * Wire form of the fiche d'identité du marché (docs/rules/marche.md). Amounts are decimal strings ("684500.00"), rates are
 * percentages as decimal strings ("20", "5.5"; at most two decimals), dates YYYY-MM-DD. The request schema only
 * checks types and converts to the domain's units (cents, basis points); the rule book (`parseMarche`) checks the
 * rest (SIRET keys, DGP maximum, MOE delay, retenue ≤ 5 %, one MOA…) and its field paths are renamed back to the
 * wire names here (`toWireFields`).
 */

const RATE = /^(\d{1,3})(?:\.(\d{1,2}))?$/;
const rateDoc = {
  description: 'Taux en pourcentage : chiffres, point décimal, au plus deux décimales (exemple : 5.5 pour 5,5 %).',
  examples: ['20.00'],
};

/** Request rate: "5.5" → 550 basis points. */
export const rate = /* @__PURE__ */ pure(() =>
  z.pipe(
    withMeta(z.string(), { ...rateDoc, pattern: RATE.source }),
    z.transform((value, ctx): BasisPoints => {
      const m = RATE.exec(value);
      if (!m) {
        ctx.issues.push({
          code: 'custom',
          message: `Taux « ${value} » invalide : écrivez un pourcentage avec un point et au plus deux décimales (exemple : 5.5).`,
          input: value,
        });
        return z.NEVER;
      }
      return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
    }),
  ),
);

/** Response rate, always two decimals: 550 → "5.50". */
export const rateString = /* @__PURE__ */ pure(() =>
  withMeta(z.string().check(z.regex(/^\d+\.\d{2}$/)), {
    ...rateDoc,
    examples: ['5.50'],
  }),
);

export function toRateString(bp: BasisPoints): string {
  return `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;
}

const FACTURATION = {
  OWN_PIECES_WITH_MANDATAIRE_VALIDATION: 'PIECES_PROPRES_VALIDEES_PAR_MANDATAIRE',
  MANDATAIRE_GLOBAL: 'DEMANDE_GLOBALE_MANDATAIRE',
} as const;
type Billing = keyof typeof FACTURATION;
const facturationCotraitants = /* @__PURE__ */ pure(() =>
  withMeta(z.enum(['PIECES_PROPRES_VALIDEES_PAR_MANDATAIRE', 'DEMANDE_GLOBALE_MANDATAIRE']), {
    description:
      'Les cotraitants déposent leurs propres pièces, validées par le mandataire, ou le mandataire dépose une demande globale.',
  }),
);
const billingOf = (wire: keyof typeof BILLING_OF): Billing => BILLING_OF[wire];
const BILLING_OF = {
  PIECES_PROPRES_VALIDEES_PAR_MANDATAIRE: 'OWN_PIECES_WITH_MANDATAIRE_VALIDATION',
  DEMANDE_GLOBALE_MANDATAIRE: 'MANDATAIRE_GLOBAL',
} as const satisfies Record<string, Billing>;

const role = /* @__PURE__ */ pure(() =>
  withMeta(z.enum(ROLES), {
    id: 'RoleMarche',
    description: 'Rôle d’une structure sur le marché.',
  }),
);

const acteurFields = /* @__PURE__ */ pure(() => ({
  role,
  siret: withMeta(z.string().check(z.maxLength(SIRET_TEXT_MAX)), {
    description: 'SIRET de la structure.',
    examples: ['21300202500012'],
  }),
  raisonSociale: z.string().check(z.minLength(1), z.maxLength(200)),
  codeService: z.optional(z.string().check(z.maxLength(CODE_TEXT_MAX))),
  engagementJuridique: z.optional(z.string().check(z.maxLength(CODE_TEXT_MAX))),
  paiementDirect: withMeta(z.optional(z.boolean()), { description: 'Sous-traitant : paiement direct.' }),
  valideurSiret: withMeta(z.optional(z.string().check(z.maxLength(SIRET_TEXT_MAX))), {
    description: 'Sous-traitant, cotraitant : structure qui valide ses pièces en premier.',
  }),
  valideur2Siret: withMeta(z.optional(z.string().check(z.maxLength(SIRET_TEXT_MAX))), {
    description: 'Second valideur (mandataire).',
  }),
}));

const acteurEntree = /* @__PURE__ */ pure(() =>
  z.pipe(
    z.object({
      ...acteurFields,
      montantSousTraiteTtc: withMeta(z.optional(amount), {
        description: 'Sous-traitant : montant sous-traité TTC accepté.',
      }),
    }),
    z.transform(({ montantSousTraiteTtc, ...rest }) => ({
      ...rest,
      ...(montantSousTraiteTtc !== undefined ? { montantSousTraiteTtcCents: montantSousTraiteTtc } : {}),
    })),
  ),
);

const acteurJson = /* @__PURE__ */ pure(() =>
  withMeta(z.object({ ...acteurFields, montantSousTraiteTtc: z.optional(amountString) }), { id: 'ActeurMarche' }),
);

const rappelDescription = `Jours avant la fin de chaque délai où le rappel est envoyé à qui doit agir (${RAPPEL_JOURS_AVANT_DEFAUT} par défaut, de 1 à ${RAPPEL_JOURS_AVANT_MAX}).`;

/** The fiche as clients send it (creation, avenant); converted to the domain's input of `parseMarche`. */
export const ficheMarcheEntree = /* @__PURE__ */ pure(() =>
  withMeta(
    z.pipe(
      z.object({
        numeroMarche: z.string().check(z.minLength(1), z.maxLength(100)),
        objet: z.string().check(z.minLength(1), z.maxLength(1000)),
        lots: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(200))).check(z.maxLength(100))),
        ccagVersion: withMeta(z.enum(['2009', '2021']), { description: '2009 (modifié en 2014) ou 2021.' }),
        acteurs: z.array(acteurEntree).check(z.minLength(1), z.maxLength(100)),
        groupement: z.object({
          mode: z.enum(['NONE', 'CONJOINT', 'SOLIDAIRE']),
          facturationCotraitants: z.optional(facturationCotraitants),
        }),
        montantInitialHt: amount,
        tauxTva: z.array(rate).check(z.minLength(1), z.maxLength(10)),
        retenueGarantie: withMeta(rate, { description: 'Taux de retenue de garantie (au plus 5 %).' }),
        avance: z.optional(z.object({ taux: rate, remboursementDebut: z.optional(rate) })),
        dgpJours: withMeta(z.int().check(z.positive()), {
          description: 'Délai global de paiement en jours (30, 50 ou 60 au plus).',
        }),
        delaiMoeJours: withMeta(z.optional(z.int().check(z.positive())), {
          description: 'Délai du MOE (7 par défaut, 15 au plus).',
        }),
        receptionDemandesPaiement: z.optional(z.enum(['MOE', 'MOA'])),
        dateNotification: z.optional(calendarDate),
        typeAcheteur: z.optional(z.enum(TYPES_ACHETEUR)),
        rappelJoursAvant: withMeta(z.optional(z.int().check(z.gte(1), z.lte(RAPPEL_JOURS_AVANT_MAX))), {
          description: rappelDescription,
        }),
      }),
      z.transform((f) => ({
        numeroMarche: f.numeroMarche,
        objet: f.objet,
        ...(f.lots ? { lots: f.lots } : {}),
        ccagVersion: f.ccagVersion,
        acteurs: f.acteurs,
        groupement: {
          mode: f.groupement.mode,
          ...(f.groupement.facturationCotraitants
            ? { cotraitantBilling: billingOf(f.groupement.facturationCotraitants) }
            : {}),
        },
        montantInitialHtCents: f.montantInitialHt,
        tauxTvaBp: f.tauxTva,
        retenueGarantieBp: f.retenueGarantie,
        ...(f.avance
          ? {
              avance: {
                tauxBp: f.avance.taux,
                ...(f.avance.remboursementDebut !== undefined
                  ? { remboursementDebutBp: f.avance.remboursementDebut }
                  : {}),
              },
            }
          : {}),
        dgpJours: f.dgpJours,
        ...(f.delaiMoeJours !== undefined ? { delaiMoeJours: f.delaiMoeJours } : {}),
        ...(f.receptionDemandesPaiement ? { receptionDemandesPaiement: f.receptionDemandesPaiement } : {}),
        ...(f.dateNotification ? { dateNotification: f.dateNotification as string } : {}),
        ...(f.typeAcheteur ? { typeAcheteur: f.typeAcheteur } : {}),
        ...(f.rappelJoursAvant !== undefined ? { rappelJoursAvant: f.rappelJoursAvant } : {}),
      })),
    ),
    { id: 'FicheMarche', description: 'Fiche d’identité du marché (création ou avenant).' },
  ),
);

export const marcheJson = /* @__PURE__ */ pure(() =>
  withMeta(
    z.object({
      id,
      version,
      numeroMarche: z.string(),
      objet: z.string(),
      lots: z.array(z.string()),
      ccagVersion: z.enum(['2009', '2021']),
      acteurs: z.array(acteurJson),
      groupement: z.object({ mode: z.enum(['NONE', 'CONJOINT', 'SOLIDAIRE']), facturationCotraitants }),
      montantInitialHt: amountString,
      tauxTva: z.array(rateString),
      retenueGarantie: rateString,
      avance: z.optional(z.object({ taux: rateString, remboursementDebut: z.optional(rateString) })),
      dgpJours: z.int(),
      delaiMoeJours: z.int(),
      receptionDemandesPaiement: z.enum(['MOE', 'MOA']),
      dateNotification: z.optional(calendarDateString),
      typeAcheteur: z.enum(TYPES_ACHETEUR),
      rappelJoursAvant: withMeta(z.int().check(z.gte(1), z.lte(RAPPEL_JOURS_AVANT_MAX)), {
        description: rappelDescription,
      }),
      creeLe: z.iso.datetime({ offset: true }),
      creePar: z.string(),
      modifieLe: z.iso.datetime({ offset: true }),
    }),
    { id: 'Marche', description: 'Fiche d’identité du marché, telle qu’enregistrée.' },
  ),
);

export const resumeMarcheJson = /* @__PURE__ */ pure(() =>
  withMeta(z.object({ id: z.string(), numeroMarche: z.string(), objet: z.string(), roles: z.array(role) }), {
    id: 'ResumeMarche',
    description: 'Un marché et les rôles que la structure y tient.',
  }),
);

export function toMarcheJson(s: StoredMarche): z.output<typeof marcheJson> {
  const m = s.marche;
  return {
    id: m.id,
    version: s.version,
    numeroMarche: m.numeroMarche,
    objet: m.objet,
    lots: [...m.lots],
    ccagVersion: m.ccagVersion,
    acteurs: m.acteurs.map(({ montantSousTraiteTtcCents, ...a }) => ({
      ...a,
      ...(montantSousTraiteTtcCents !== undefined
        ? { montantSousTraiteTtc: toAmountString(montantSousTraiteTtcCents) }
        : {}),
    })),
    groupement: { mode: m.groupement.mode, facturationCotraitants: FACTURATION[m.groupement.cotraitantBilling] },
    montantInitialHt: toAmountString(m.montantInitialHtCents),
    tauxTva: m.tauxTvaBp.map(toRateString),
    retenueGarantie: toRateString(m.retenueGarantieBp),
    ...(m.avance
      ? {
          avance: {
            taux: toRateString(m.avance.tauxBp),
            ...(m.avance.remboursementDebutBp !== undefined
              ? { remboursementDebut: toRateString(m.avance.remboursementDebutBp) }
              : {}),
          },
        }
      : {}),
    dgpJours: m.dgpJours,
    delaiMoeJours: m.delaiMoeJours,
    receptionDemandesPaiement: m.receptionDemandesPaiement,
    ...(m.dateNotification ? { dateNotification: m.dateNotification } : {}),
    typeAcheteur: m.typeAcheteur,
    rappelJoursAvant: m.rappelJoursAvant,
    creeLe: s.createdAt,
    creePar: s.createdBy,
    modifieLe: s.updatedAt,
  };
}

export function toResumeMarcheJson(m: MarcheSummary): z.output<typeof resumeMarcheJson> {
  return { id: m.marcheId, numeroMarche: m.numeroMarche, objet: m.objet, roles: [...m.roles] };
}

/** Domain field names of the fiche → wire names, for the paths of MARCHE_INVALIDE. */
const WIRE_NAMES: Readonly<Record<string, string>> = {
  montantInitialHtCents: 'montantInitialHt',
  tauxTvaBp: 'tauxTva',
  retenueGarantieBp: 'retenueGarantie',
  montantSousTraiteTtcCents: 'montantSousTraiteTtc',
  tauxBp: 'taux',
  remboursementDebutBp: 'remboursementDebut',
  cotraitantBilling: 'facturationCotraitants',
};

/** The rule book's refusal of a fiche, with its field paths in wire names; other errors unchanged. */
export function toWireFields(e: unknown): unknown {
  if (!isDomainError(e) || e.fields.length === 0) return e;
  const rename = (path: string) =>
    path
      .split('.')
      .map((seg) => WIRE_NAMES[seg] ?? seg)
      .join('.');
  return new DomainError(
    e.code,
    e.message,
    e.kind,
    e.fields.map((f) => ({ path: rename(f.path), message: f.message })),
  );
}
