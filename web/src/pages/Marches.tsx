import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { useSiret } from '../app/structure';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Loading } from '../ui/Loading';
import { NoStructure } from '../ui/NoStructure';
import { usePageTitle } from '../ui/usePageTitle';

/** The marchés where a structure holds a role (also the choices of « Rechercher »'s marché criterion). */
export const marchesQuery = (siret: string | undefined) => ({
  queryKey: ['marches', siret],
  enabled: !!siret,
  queryFn: async () =>
    unwrap(await api.GET('/v1/structures/{siret}/marches', { params: { path: { siret: siret ?? '' } } })),
});

/** « Marchés »: the marchés where the structure holds a role; each opens its fiche d'identité. */
export default function Marches() {
  usePageTitle('Marchés');
  const siret = useSiret();
  const q = useQuery(marchesQuery(siret));
  return (
    <>
      <h1>Marchés</h1>
      <p className="fr-text--lead">Les marchés de travaux sur lesquels votre structure tient un rôle.</p>
      {siret ? (
        <p>
          <Link className="fr-btn fr-btn--secondary" to="/marches/nouveau">
            Créer la fiche d’un marché
          </Link>
          <span className="fr-hint-text">Réservé au maître d’ouvrage du marché.</span>
        </p>
      ) : (
        <NoStructure />
      )}
      {q.isPending && siret ? <Loading /> : null}
      {q.error ? <ErrorNotice error={q.error} /> : null}
      {q.data && q.data.marches.length === 0 ? <p>Votre structure n’est partie à aucun marché.</p> : null}
      {q.data && q.data.marches.length > 0 ? (
        <div className="fr-table fr-table--bordered ft-table-scroll" data-testid="marches">
          <table>
            <caption>Marchés de la structure</caption>
            <thead>
              <tr>
                <th scope="col">Numéro</th>
                <th scope="col">Objet</th>
                <th scope="col">Vos rôles</th>
              </tr>
            </thead>
            <tbody>
              {q.data.marches.map((m) => (
                <tr key={m.id}>
                  <td>
                    <Link to={`/marches/${encodeURIComponent(m.id)}`}>{m.numeroMarche}</Link>
                  </td>
                  <td>{m.objet}</td>
                  <td>{m.roles.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
