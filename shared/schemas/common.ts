import * as z from 'zod/mini';
import { type CalendarDate, isCalendarDate } from '../domain/calendar';
import { isDomainError } from '../domain/errors';
import { type Cents, formatAmount, parseAmount } from '../domain/money';
import { pure } from '../domain/pure';
import { validateSiret } from '../domain/siret';
import { withMeta } from './meta';

/**
 * Zod building blocks shared by the API's request and response schemas. Request schemas may transform (an amount
 * string becomes cents); response schemas describe the wire (an amount stays a string), so that the OpenAPI
 * document shows clients what they send and what they receive. Messages are French; the domain parsers give them.
 *
 * Schemas are written with zod/mini (docs/DESIGN.md#what-a-cold-start-pays). Every schema of shared/schemas is
 * declared `/* @__PURE__ *\/ pure(() => …)` (shared/domain/pure.ts): a function's bundle then leaves out those none
 * of its routes names (unused request and response schemas of the same module). Declare new ones the same way.
 */

/** The wire form of an amount (docs/rules/money.md), the same grammar as `parseAmount`: "1234.5", "-12.05", "7". */
export const AMOUNT_PATTERN = '^-?\\d+(?:\\.\\d{1,2})?$';

const amountDoc = {
  description: 'Montant en euros : chiffres, point décimal, au plus deux décimales, sans espace (exemple : 1234.56).',
  examples: ['1234.56'],
};

/** Request amount: a decimal string → integer cents (`MONTANT_INVALIDE`'s message on refusal). */
export const amount = /* @__PURE__ */ pure(() =>
  z.pipe(
    withMeta(z.string().check(z.maxLength(40)), { ...amountDoc, pattern: AMOUNT_PATTERN }),
    z.transform((value, ctx): Cents => {
      try {
        return parseAmount(value, '');
      } catch (error) {
        ctx.issues.push({
          code: 'custom',
          message: isDomainError(error) ? error.message : 'Montant invalide.',
          input: value,
        });
        return z.NEVER;
      }
    }),
  ),
);

/** Response amount, as written by `toAmountString(cents)`: always two decimals. */
export const amountString = /* @__PURE__ */ pure(() =>
  withMeta(z.string().check(z.regex(/^-?\d+\.\d{2}$/)), {
    ...amountDoc,
    examples: ['1234.50'],
  }),
);

export function toAmountString(cents: Cents): string {
  return formatAmount(cents);
}

/**
 * Bounds of free identifiers a user types (a SIRET with spaces, a Chorus Pro code service, an engagement number):
 * generous against what they hold (14 digits; codes and numbers of a few dozen characters), small enough that a
 * refusal never carries a huge input around.
 */
export const SIRET_TEXT_MAX = 64;
export const CODE_TEXT_MAX = 100;

/** SIRET, 14 digits with a valid key (docs/rules/structures.md#siret); the domain validator's message on refusal. */
export const siret = /* @__PURE__ */ pure(() =>
  withMeta(z.string().check(z.maxLength(SIRET_TEXT_MAX)), {
    description: 'SIRET : 14 chiffres, clé de Luhn valide.',
    examples: ['21310555400017'],
    pattern: '^\\d{14}$',
  }).check(
    z.superRefine((value, ctx) => {
      const v = validateSiret(value, '');
      if (!v.ok) ctx.addIssue({ code: 'custom', message: v.error.message, input: value });
    }),
  ),
);

const DATE_DOC = { description: 'Date calendaire AAAA-MM-JJ (Europe/Paris).', examples: ['2025-03-31'] };

/** Request date: `YYYY-MM-DD` that exists in the calendar → `CalendarDate`. */
export const calendarDate = /* @__PURE__ */ pure(() =>
  z.pipe(
    withMeta(z.string(), { ...DATE_DOC, format: 'date' }).check(
      z.refine(isCalendarDate, {
        message: 'Date invalide : une date existante au format AAAA-MM-JJ est attendue (exemple : 2025-03-31).',
      }),
    ),
    z.transform((value) => value as CalendarDate),
  ),
);

/** Response date (a `CalendarDate` is already its own wire form). */
export const calendarDateString = /* @__PURE__ */ pure(() => withMeta(z.iso.date(), DATE_DOC));

/** Ids from `shared/adapters/ids.ts`: 26 characters, Crockford base32, time-ordered. */
export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const id = /* @__PURE__ */ pure(() =>
  withMeta(
    z.string().check(
      z.regex(ID_PATTERN, {
        message: 'Identifiant invalide : 26 caractères (chiffres et majuscules, sans I, L, O, U) attendus.',
      }),
    ),
    {
      description: 'Identifiant (26 caractères, ordonné dans le temps).',
      examples: ['01JQ8Z6X4C5V7B9N2M3K4J5H6G'],
    },
  ),
);

/** Version of a resource for optimistic locking: returned in `ETag`, sent back in `If-Match`. */
export const version = /* @__PURE__ */ pure(() =>
  withMeta(z.int().check(z.gte(0)), {
    description: 'Version de la ressource (verrouillage optimiste).',
  }),
);

/**
 * The `suivant` query parameter of a paginated list: the opaque cursor a previous page returned, bounded here (the
 * stores validate it completely before it reaches the database: a forged one is a 400 CURSEUR_INVALIDE).
 */
export const cursorParam = /* @__PURE__ */ pure(() =>
  withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(4096))), {
    description: 'Curseur de la page suivante, tel que reçu dans « suivant » (absent : première page).',
  }),
);

/** The `suivant` of a paginated answer. */
export const nextCursor = /* @__PURE__ */ pure(() =>
  withMeta(z.optional(z.string()), {
    description: 'À renvoyer dans « suivant » pour la page suivante ; absent à la dernière page.',
  }),
);
