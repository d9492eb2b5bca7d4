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

const PAGE = 50;

/**
 * « Rechercher structure publique »: the public structures directory, by the start of the raison sociale (page by
 * page) or by SIRET, and its CSV download.
 */
export default function Annuaire() {
  usePageTitle('Rechercher une structure publique');
  const [params, setParams] = useSearchParams();
  const nom = params.get('nom') ?? '';
  const siret = params.get('siret') ?? '';
  const suivant = params.get('suivant') ?? '';
  const asked = siret || nom;
  const [typed, setTyped] = useState(asked);
  const q = useQuery({
    queryKey: ['annuaire', nom, siret, suivant],
    enabled: asked.length > 0,
    queryFn: async () =>
      send(
        api.GET('/v1/annuaire', {
          params: {
            query: siret ? { siret } : { nom, limite: PAGE, ...(suivant ? { suivant } : {}) },
          },
        }),
      ),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = typed.trim();
    const digits = value.replace(/\s/g, '');
    // 14 digits (spaces allowed, as SIRETs are printed) search by SIRET; anything else by the start of the name
    if (/^\d{14}$/.test(digits)) setParams({ siret: digits });
    else if (value) setParams({ nom: value });
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
          label="Raison sociale (début) ou SIRET"
          hintText="Par exemple : Commune, ou 213 002 025 00012"
          nativeInputProps={{ name: 'nom', value: typed, maxLength: 200, onChange: (e) => setTyped(e.target.value) }}
        />
        <Button type="submit" iconId="fr-icon-search-line">
          Rechercher
        </Button>
      </form>
      {q.isFetching ? <Loading /> : null}
      {q.error ? <ErrorNotice error={q.error} /> : null}
      {q.data && q.data.structures.length === 0 ? (
        <p className="fr-mt-4w">
          {siret
            ? `Aucune structure publique active de SIRET ${formatSiret(siret)}.`
            : `Aucune structure publique dont la raison sociale commence par « ${nom} ».`}
        </p>
      ) : null}
      {q.data && q.data.structures.length > 0 ? (
        <div className="fr-table fr-table--bordered ft-table-scroll fr-mt-4w" data-testid="annuaire">
          <table>
            <caption>
              {siret
                ? `Structure publique de SIRET ${formatSiret(siret)}`
                : `Structures publiques dont la raison sociale commence par « ${nom} »`}
            </caption>
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
      {q.data?.suivant ? (
        <Button priority="secondary" onClick={() => setParams({ nom, suivant: q.data.suivant ?? '' })}>
          Structures suivantes
        </Button>
      ) : null}
      <p className="fr-mt-4w">
        <a
          className="fr-link fr-icon-download-line fr-link--icon-left"
          href={`/v1/annuaire.csv${nom && !siret ? `?nom=${encodeURIComponent(nom)}` : ''}`}
          download
        >
          Télécharger l’annuaire{nom && !siret ? ` (« ${nom} »)` : ''} au format CSV
        </a>
      </p>
    </>
  );
}
