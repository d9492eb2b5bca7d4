import { Input } from '@codegouvfr/react-dsfr/Input';
import { formatSiret } from '../ui/format';
import type { SiretCheck } from './common';

/**
 * A SIRET input checked as it is typed: the French reason of a refusal under the field (14 chiffres attendus, clé de
 * contrôle invalide), or the structure that already holds it. `serverError` is the API's refusal on submission.
 */
export function SiretField({
  label,
  hint = '14 chiffres, sans espace : par exemple 21300202500012',
  value,
  onChange,
  check,
  existingIs = 'erreur',
  serverError,
  name = 'siret',
}: {
  label: string;
  hint?: string;
  value: string;
  onChange: (v: string) => void;
  check: SiretCheck;
  /** Whether a structure already holding the SIRET is a fault (creation) or the goal (rattachement). */
  existingIs?: 'erreur' | 'attendu';
  serverError?: string | undefined;
  name?: string;
}) {
  let state: 'default' | 'error' | 'success' = 'default';
  let message: string | undefined;
  if (serverError) {
    state = 'error';
    message = serverError;
  } else if (check.state === 'invalide') {
    state = 'error';
    message = check.message ?? 'SIRET invalide.';
  } else if (check.state === 'valide' && check.existante) {
    const who = `${check.existante.raisonSociale} (${formatSiret(check.existante.siret)})${check.existante.active ? '' : ', désactivée'}`;
    if (existingIs === 'erreur') {
      state = 'error';
      message = `Ce SIRET est déjà enregistré : ${who}. Demandez plutôt à y être rattaché.`;
    } else {
      state = 'success';
      message = `Structure : ${who}.`;
    }
  } else if (check.state === 'valide') {
    if (existingIs === 'erreur') {
      state = 'success';
      message = 'SIRET valide.';
    } else {
      state = 'error';
      message = 'SIRET valide, mais aucune structure ne porte ce SIRET : vérifiez-le, ou créez la structure.';
    }
  }
  return (
    <div aria-live="polite">
      <Input
        label={label}
        hintText={hint}
        state={state}
        stateRelatedMessage={message}
        nativeInputProps={{
          name,
          value,
          inputMode: 'numeric',
          autoComplete: 'off',
          maxLength: 20,
          onChange: (e) => onChange(e.target.value),
        }}
      />
    </div>
  );
}
