import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { messageOf } from '../api/problem';
import { formatDate, formatDateTime } from '../ui/format';
import { fieldMessage, idempotency, type Structure, send } from './common';

/** The rules of the technical account's password, as the API applies them (shown before typing). */
const RULES = [
  'au moins 12 caractères ;',
  'au moins 3 types de caractères sur 4 : majuscule, minuscule, chiffre, autre caractère ;',
  'à changer tous les 424 jours.',
];

/** The GP sets the technical (API) account's password; the login, the last change and the due date are shown. */
export function CompteTechnique({ structure }: { structure: Structure }) {
  const queryClient = useQueryClient();
  const [motDePasse, setMotDePasse] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [error, setError] = useState<unknown>();
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const compte = structure.compteTechnique;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setDone(false);
    setMismatch(motDePasse !== confirmation);
    if (motDePasse !== confirmation) return;
    setBusy(true);
    try {
      await send(
        api.POST('/v1/structures/{siret}/compte-technique/mot-de-passe', {
          params: { path: { siret: structure.siret }, header: idempotency() },
          body: { motDePasse },
        }),
      );
      setMotDePasse('');
      setConfirmation('');
      setDone(true);
      await queryClient.invalidateQueries({ queryKey: ['gestion-structure', structure.siret] });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const passwordError = fieldMessage(error, 'motDePasse') ?? (error ? messageOf(error) : undefined);
  return (
    <section aria-labelledby="compte-technique-titre" className="fr-mb-6w">
      <h2 id="compte-technique-titre">Compte technique (accès API)</h2>
      {compte ? (
        <dl className="ft-facts" data-testid="compte-technique">
          <dt>Identifiant</dt>
          <dd>{compte.login}</dd>
          <dt>Mot de passe modifié le</dt>
          <dd>{formatDateTime(compte.motDePasseModifieLe)}</dd>
          <dt>À changer avant le</dt>
          <dd>{formatDate(compte.expireLe)}</dd>
        </dl>
      ) : (
        <p>Pas encore de compte technique : il est créé avec son premier mot de passe.</p>
      )}
      <form onSubmit={submit} noValidate className="ft-form-narrow">
        <p className="fr-mb-1w" id="regles-mot-de-passe">
          Le mot de passe doit compter :
        </p>
        <ul aria-labelledby="regles-mot-de-passe">
          {RULES.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
        <Input
          label="Nouveau mot de passe"
          state={passwordError ? 'error' : 'default'}
          stateRelatedMessage={passwordError}
          nativeInputProps={{
            type: 'password',
            autoComplete: 'new-password',
            value: motDePasse,
            maxLength: 256,
            onChange: (ev) => setMotDePasse(ev.target.value),
          }}
        />
        <Input
          label="Confirmation du mot de passe"
          state={mismatch ? 'error' : 'default'}
          stateRelatedMessage={mismatch ? 'Les deux mots de passe diffèrent : saisissez le même deux fois.' : undefined}
          nativeInputProps={{
            type: 'password',
            autoComplete: 'new-password',
            value: confirmation,
            maxLength: 256,
            onChange: (ev) => setConfirmation(ev.target.value),
          }}
        />
        {done ? (
          <Alert
            severity="success"
            small
            description="Mot de passe enregistré. Il n’est ni stocké en clair ni affiché : transmettez-le par un canal sûr."
            className="fr-mb-2w"
          />
        ) : null}
        <Button type="submit" disabled={busy || !structure.active}>
          Enregistrer le mot de passe
        </Button>
      </form>
    </section>
  );
}
