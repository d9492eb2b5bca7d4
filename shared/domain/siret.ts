import { DomainError, type Validation } from './errors';
import { excerpt } from './excerpt';

/**
 * SIRET = SIREN (9 digits) + NIC (5 digits) (docs/rules/structures.md#siret). The input is taken as is: no space or dot is stripped,
 * so that the validated value can serve as a key; callers that accept "213 002 025 00012" normalise before.
 */
export const SIREN_LENGTH = 9;
/** La Poste's SIREN: its establishments follow a digit-sum rule instead of Luhn (INSEE; docs/rules/structures.md#siret). */
export const LA_POSTE_SIREN = '356000000';

const FOURTEEN_DIGITS = /^\d{14}$/;

/** Luhn check over a string of ASCII digits: doubling every second digit from the right. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function digitSum(digits: string): number {
  let sum = 0;
  for (const c of digits) sum += c.charCodeAt(0) - 48;
  return sum;
}

/** Validates a SIRET: 14 digits and a Luhn key, La Poste exception included (docs/rules/structures.md#siret). */
export function validateSiret(input: string, path = 'siret'): Validation<string> {
  const fail = (code: string, message: string): Validation<string> => ({
    ok: false,
    error: new DomainError(code, message, 'INVALID', [{ path, message }]),
  });
  // INSEE: SIRET = SIREN (9) + NIC (5), digits only
  if (!FOURTEEN_DIGITS.test(input)) {
    return fail(
      'SIRET_FORMAT',
      `SIRET « ${excerpt(input, 20)} » : 14 chiffres attendus, sans espace ni autre caractère (${[...input].length} caractère(s) reçu(s)).`,
    );
  }
  // INSEE (fr.wikipedia « Système d'identification du répertoire des établissements »): Luhn over the 14 digits
  if (luhnValid(input)) return { ok: true, value: input };
  // INSEE: La Poste establishments (SIREN 356000000) are valid when the digit sum is a multiple of 5
  if (input.startsWith(LA_POSTE_SIREN) && digitSum(input) % 5 === 0) return { ok: true, value: input };
  return fail(
    'SIRET_CLE_INVALIDE',
    `SIRET « ${input} » : clé de contrôle invalide ; vérifiez le numéro (un chiffre erroné ou inversé ?).`,
  );
}

export function isValidSiret(input: string): boolean {
  return validateSiret(input).ok;
}

/** The SIREN (first 9 digits) of a valid SIRET; throws the validation's `DomainError` otherwise. */
export function sirenOf(siret: string): string {
  const v = validateSiret(siret);
  if (!v.ok) throw v.error;
  return v.value.slice(0, SIREN_LENGTH);
}
