import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { messageOf } from '../api/problem';
import { ESPACE_LABEL, ESPACES, type Espace, fieldMessage, idempotency, type Structure, send } from './common';

/** The structure's services (codes service: added, renamed, switched off, never deleted) and its spaces. */
export function Services({ structure }: { structure: Structure }) {
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const [libelle, setLibelle] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const key = ['gestion-structure', structure.siret];
  const run = async (request: () => Promise<Structure>) => {
    setBusy(true);
    setError(undefined);
    try {
      queryClient.setQueryData(key, await request());
      return true;
    } catch (err) {
      setError(err);
      await queryClient.invalidateQueries({ queryKey: key });
      return false;
    } finally {
      setBusy(false);
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const done = await run(() =>
      send(
        api.POST('/v1/structures/{siret}/services', {
          params: { path: { siret: structure.siret }, header: idempotency() },
          body: { code: code.trim(), libelle },
        }),
      ),
    );
    if (done) {
      setCode('');
      setLibelle('');
    }
  };
  const toggle = (c: string, active: boolean) =>
    run(() =>
      send(
        api.PATCH('/v1/structures/{siret}/services/{code}', {
          params: { path: { siret: structure.siret, code: c } },
          body: { active },
        }),
      ),
    );
  const enable = (espace: Espace) =>
    run(() =>
      send(
        api.POST('/v1/structures/{siret}/espaces', {
          params: { path: { siret: structure.siret }, header: idempotency() },
          body: { espace },
        }),
      ),
    );
  const codeError = fieldMessage(error, 'code') ?? fieldMessage(error, 'services');
  return (
    <>
      <section aria-labelledby="services-titre" className="fr-mb-6w">
        <h2 id="services-titre">Services</h2>
        {structure.services.length === 0 ? (
          <p>Aucun service : les pièces sont adressées à la structure sans code service.</p>
        ) : (
          <div className="fr-table fr-table--bordered ft-table-scroll" data-testid="services">
            <table>
              <caption>Codes service de la structure</caption>
              <thead>
                <tr>
                  <th scope="col">Code service</th>
                  <th scope="col">Libellé</th>
                  <th scope="col">État</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {structure.services.map((s) => (
                  <tr key={s.code}>
                    <td>{s.code}</td>
                    <td>{s.libelle}</td>
                    <td>{s.active ? 'Actif' : 'Désactivé'}</td>
                    <td>
                      <Button
                        priority="secondary"
                        size="small"
                        disabled={busy || !structure.active}
                        onClick={() => void toggle(s.code, !s.active)}
                        title={`${s.active ? 'Désactiver' : 'Réactiver'} le service ${s.code}`}
                      >
                        {s.active ? 'Désactiver' : 'Réactiver'}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <form onSubmit={add} noValidate className="ft-form-narrow">
          <fieldset className="fr-fieldset">
            <legend className="fr-fieldset__legend">Ajouter un service</legend>
            <div className="fr-fieldset__element">
              <Input
                label="Code service"
                state={codeError ? 'error' : 'default'}
                stateRelatedMessage={codeError}
                nativeInputProps={{ value: code, maxLength: 100, onChange: (ev) => setCode(ev.target.value) }}
              />
            </div>
            <div className="fr-fieldset__element">
              <Input
                label="Libellé"
                nativeInputProps={{ value: libelle, maxLength: 200, onChange: (ev) => setLibelle(ev.target.value) }}
              />
            </div>
          </fieldset>
          {error && !codeError ? (
            <Alert severity="error" small description={messageOf(error)} className="fr-mb-2w" />
          ) : null}
          <Button type="submit" priority="secondary" disabled={busy || !structure.active}>
            Ajouter le service
          </Button>
        </form>
      </section>
      <section aria-labelledby="espaces-titre" className="fr-mb-6w">
        <h2 id="espaces-titre">Espaces de la structure</h2>
        <ul>
          {ESPACES.map((espace) => (
            <li key={espace} className="fr-mb-1w">
              {ESPACE_LABEL[espace]} : {structure.espaces.includes(espace) ? 'activé' : 'non activé'}{' '}
              {structure.espaces.includes(espace) ? null : (
                <Button
                  priority="tertiary"
                  size="small"
                  disabled={busy || !structure.active}
                  onClick={() => void enable(espace)}
                >
                  Activer l’espace {ESPACE_LABEL[espace]}
                </Button>
              )}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
