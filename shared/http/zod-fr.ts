import { fr } from 'zod/locales';
import type * as z from 'zod/mini';
import type { FieldIssue } from '../domain/errors';

/**
 * French validation messages. Passed per parse (`z.safeParse(schema, x, { error: frenchErrorMap })`), so a message set
 * on a schema itself (`z.string({ error: '…' })`, a refinement's message, a DomainError caught in a transform)
 * still wins (zod 4 precedence), and the process-wide zod config is left alone. The common cases get a phrasing
 * written for end users; the rest falls back to zod's own French locale.
 */
let zodFrMessages: z.core.$ZodErrorMap | undefined;
/** zod's own French messages, built when a request first fails validation with an issue phrased by them. */
const zodFr: z.core.$ZodErrorMap = (issue) => {
  zodFrMessages ??= fr().localeError;
  return zodFrMessages(issue);
};

const TYPE_NAMES: Record<string, string> = {
  string: 'une chaîne de caractères',
  number: 'un nombre',
  int: 'un nombre entier',
  boolean: 'un booléen (true ou false)',
  object: 'un objet JSON',
  array: 'une liste',
  bigint: 'un nombre entier',
  date: 'une date',
  null: 'null',
};

const MISSING_CODES = new Set(['invalid_type', 'invalid_value', 'invalid_union']);

export const frenchErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined && MISSING_CODES.has(issue.code ?? '')) return 'Champ obligatoire.';
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === null) return 'Valeur null non acceptée.';
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return `Type invalide : la valeur doit être ${expected}.`;
    }
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1 ? 'Ne doit pas être vide.' : `Au moins ${issue.minimum} caractères attendus.`;
      }
      if (issue.origin === 'array' || issue.origin === 'set') return `Au moins ${issue.minimum} élément(s) attendu(s).`;
      return `Doit être ${issue.inclusive ? 'supérieur ou égal à' : 'strictement supérieur à'} ${issue.minimum}.`;
    case 'too_big':
      if (issue.origin === 'string') return `Au plus ${issue.maximum} caractères.`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Au plus ${issue.maximum} élément(s).`;
      return `Doit être ${issue.inclusive ? 'inférieur ou égal à' : 'strictement inférieur à'} ${issue.maximum}.`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `Valeur attendue : ${String(issue.values[0])}.`
        : `Valeur attendue parmi : ${issue.values.map(String).join(', ')}.`;
    case 'unrecognized_keys':
      return `Champ${issue.keys.length > 1 ? 's' : ''} non reconnu${issue.keys.length > 1 ? 's' : ''} : ${issue.keys.join(', ')}.`;
    case 'invalid_format':
      if (issue.format === 'regex') return 'Format invalide.';
      if (issue.format === 'date') return 'Date invalide : le format AAAA-MM-JJ est attendu (exemple : 2025-03-31).';
      if (issue.format === 'email') return 'Adresse électronique invalide.';
      return zodFr(issue) ?? 'Format invalide.';
    case 'custom':
      return 'Valeur invalide.';
    default:
      return zodFr(issue) ?? 'Valeur invalide.';
  }
};

/** Where a field is: body fields by their own path, parameters prefixed like OpenAPI's `in` (path., query., header.). */
export type FieldLocation = 'body' | 'path' | 'query' | 'header';

/** `['lignes', 0, 'montant']` → `lignes[0].montant`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out.length > 0 ? `.${String(key)}` : String(key);
  }
  return out;
}

export function issuesToFields(issues: readonly z.core.$ZodIssue[], location: FieldLocation): FieldIssue[] {
  return issues.map((issue) => {
    const inner = formatPath(issue.path);
    if (location === 'body') return { path: inner, message: issue.message };
    return { path: inner === '' ? location : `${location}.${inner}`, message: issue.message };
  });
}
