import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Loading } from '../ui/Loading';
import { changedModes, MANDATORY_HINT, MODE_CHOICES, type Mode } from './preference-choices';
import { preferencesQuery, savePreferences } from './queries';

/**
 * « Notifications par courriel » in « Mon compte » (issue 13): per kind of notification, an e-mail at once, a daily
 * digest the next morning, or none; every notification stays in the portal whatever the choice.
 */
export function PreferencesNotifications() {
  const queryClient = useQueryClient();
  const q = useQuery(preferencesQuery);
  const [chosen, setChosen] = useState<Record<string, Mode>>({});
  const save = useMutation({
    mutationFn: () => savePreferences(changedModes(q.data?.preferences ?? [], chosen)),
    onSuccess: (data) => {
      queryClient.setQueryData(preferencesQuery.queryKey, data);
      setChosen({});
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <section className="fr-mt-6w" aria-labelledby="preferences-titre">
      <h2 id="preferences-titre">Notifications par courriel</h2>
      <p>
        Chaque notification reste dans le portail (« Notifications »). Choisissez, pour chaque type, si elle vous est
        aussi envoyée à votre adresse de contact.
      </p>
      {q.isPending ? <Loading /> : null}
      {q.error ? <ErrorNotice error={q.error} /> : null}
      {q.data ? (
        <form onSubmit={submit} noValidate className="ft-form-narrow" data-testid="preferences-notifications">
          {q.data.preferences.map((p) => (
            <Select
              key={p.type}
              label={p.libelle}
              hint={p.desactivableSiActionAttendue ? undefined : MANDATORY_HINT}
              nativeSelectProps={{
                id: `preference-${p.type}`,
                name: p.type,
                value: chosen[p.type] ?? p.mode,
                onChange: (ev) => {
                  save.reset();
                  setChosen({ ...chosen, [p.type]: ev.target.value as Mode });
                },
              }}
            >
              {MODE_CHOICES.map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </Select>
          ))}
          {save.error ? <ErrorNotice error={save.error} title="Vos préférences n’ont pas été enregistrées" /> : null}
          {save.isSuccess ? (
            <Alert severity="success" small description="Préférences enregistrées." className="fr-mb-2w" />
          ) : null}
          <Button type="submit" disabled={save.isPending}>
            Enregistrer mes préférences
          </Button>
        </form>
      ) : null}
    </section>
  );
}
