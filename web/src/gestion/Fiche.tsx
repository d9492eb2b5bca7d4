import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import { fieldMessage, ifMatch, PARAMETRES, type Structure, send } from './common';

/**
 * The structure's card: raison sociale and directory parameters, sent with If-Match. When someone else changed the
 * structure meanwhile (412), it is read again and what the user typed stays in the form.
 */
export function Fiche({ structure }: { structure: Structure }) {
  const queryClient = useQueryClient();
  const [raisonSociale, setRaisonSociale] = useState(structure.raisonSociale);
  const [parametres, setParametres] = useState(structure.parametresAnnuaire);
  const [error, setError] = useState<unknown>();
  const [stale, setStale] = useState(false);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setStale(false);
    setDone(false);
    try {
      const next = await send(
        api.PATCH('/v1/structures/{siret}', {
          params: { path: { siret: structure.siret }, header: ifMatch(structure.version) },
          body: { raisonSociale, ...(structure.type === 'PUBLIC' ? { parametresAnnuaire: parametres } : {}) },
        }),
      );
      queryClient.setQueryData(['gestion-structure', structure.siret], next);
      await queryClient.invalidateQueries({ queryKey: ['moi'] });
      setDone(true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        setStale(true);
        await queryClient.invalidateQueries({ queryKey: ['gestion-structure', structure.siret] });
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };
  const nameError = fieldMessage(error, 'raisonSociale');
  const paramsError = fieldMessage(error, 'parametresAnnuaire');
  return (
    <section aria-labelledby="fiche-titre" className="fr-mb-6w">
      <h2 id="fiche-titre">Fiche de la structure</h2>
      <form onSubmit={submit} noValidate className="ft-form-narrow" data-testid="fiche">
        <Input
          label="Raison sociale"
          state={nameError ? 'error' : 'default'}
          stateRelatedMessage={nameError}
          nativeInputProps={{
            name: 'raisonSociale',
            value: raisonSociale,
            maxLength: 200,
            onChange: (ev) => setRaisonSociale(ev.target.value),
          }}
        />
        {structure.type === 'PUBLIC' ? (
          <Checkbox
            legend="Paramètres d’annuaire"
            hintText="Ce que les fournisseurs doivent indiquer en vous adressant une pièce, et ce que vous remontez."
            state={paramsError ? 'error' : 'default'}
            stateRelatedMessage={paramsError}
            options={PARAMETRES.map(([key, label]) => ({
              label,
              nativeInputProps: {
                name: key,
                checked: parametres[key],
                onChange: (ev) => setParametres({ ...parametres, [key]: ev.target.checked }),
              },
            }))}
          />
        ) : (
          <p className="fr-text--sm">Structure privée : pas de paramètres d’annuaire.</p>
        )}
        {stale ? (
          <Alert
            severity="warning"
            small
            description="La structure a été modifiée entre-temps : nous l’avons rechargée et gardé votre saisie. Vérifiez-la et enregistrez de nouveau."
            className="fr-mb-2w"
          />
        ) : null}
        {error && !nameError && !paramsError ? (
          <Alert severity="error" small description={messageOf(error)} className="fr-mb-2w" />
        ) : null}
        {done ? <Alert severity="success" small description="Fiche enregistrée." className="fr-mb-2w" /> : null}
        <Button type="submit" disabled={busy || !structure.active}>
          Enregistrer la fiche
        </Button>
      </form>
    </section>
  );
}
