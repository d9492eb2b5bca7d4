import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/client';
import { ErrorNotice } from '../ui/ErrorNotice';
import { formatSiret } from '../ui/format';
import { Loading } from '../ui/Loading';
import { usePageTitle } from '../ui/usePageTitle';
import { ouiNon, PARAMETRES, send } from './common';

/** « Rechercher structure publique »: the public structures directory, by the start of the raison sociale. */
export default function Annuaire() {
  usePageTitle('Rechercher une structure publique');
  const [params, setParams] = useSearchParams();
  const nom = params.get('nom') ?? '';
  const [typed, setTyped] = useState(nom);
  const q = useQuery({
    queryKey: ['annuaire', nom],
    enabled: nom.length > 0,
    queryFn: async () => send(api.GET('/v1/annuaire', { params: { query: { nom, limite: 50 } } })),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (typed.trim()) setParams({ nom: typed.trim() });
  };
  return (
    <>
      <h1>Rechercher une structure publique</h1>
      <p>
        L’annuaire des destinataires publics et de leurs paramètres : ce qu’il faut indiquer en leur adressant une pièce
        (code service, numéro d’engagement juridique).
      </p>
      <form onSubmit={submit} className="ft-form-narrow">
        <Input
          label="Raison sociale (début)"
          hintText="Par exemple : Commune"
          nativeInputProps={{ name: 'nom', value: typed, maxLength: 200, onChange: (e) => setTyped(e.target.value) }}
        />
        <Button type="submit" iconId="fr-icon-search-line">
          Rechercher
        </Button>
      </form>
      {q.isFetching ? <Loading /> : null}
      {q.error ? <ErrorNotice error={q.error} /> : null}
      {q.data && q.data.structures.length === 0 ? (
        <p className="fr-mt-4w">Aucune structure publique dont la raison sociale commence par « {nom} ».</p>
      ) : null}
      {q.data && q.data.structures.length > 0 ? (
        <div className="fr-table fr-table--bordered ft-table-scroll fr-mt-4w" data-testid="annuaire">
          <table>
            <caption>Structures publiques dont la raison sociale commence par « {nom} »</caption>
            <thead>
              <tr>
                <th scope="col">SIRET</th>
                <th scope="col">Raison sociale</th>
                {PARAMETRES.map(([key, label]) => (
                  <th key={key} scope="col">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {q.data.structures.map((s) => (
                <tr key={s.siret}>
                  <td>{formatSiret(s.siret)}</td>
                  <td>{s.raisonSociale}</td>
                  {PARAMETRES.map(([key]) => (
                    <td key={key}>{ouiNon(s.parametresAnnuaire[key])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
