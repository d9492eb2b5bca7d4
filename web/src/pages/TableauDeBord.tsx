import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { useSiret } from '../app/structure';
import { statusLabel } from '../dossier/labels';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Loading } from '../ui/Loading';
import { NoStructure } from '../ui/NoStructure';
import { usePageTitle } from '../ui/usePageTitle';

/** « Tableau de bord »: the structure's dossiers counted by status; a count opens the matching search. */
export default function TableauDeBord() {
  usePageTitle('Tableau de bord');
  const siret = useSiret();
  const q = useQuery({
    queryKey: ['tableau-de-bord', siret],
    enabled: !!siret,
    queryFn: async () =>
      unwrap(await api.GET('/v1/structures/{siret}/tableau-de-bord', { params: { path: { siret: siret ?? '' } } })),
  });
  const entries = Object.entries(q.data?.parStatut ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <>
      <h1>Tableau de bord</h1>
      <p className="fr-text--lead">Toutes les pièces de votre structure, triées par statut.</p>
      {!siret ? <NoStructure /> : null}
      {q.isPending && siret ? <Loading /> : null}
      {q.error ? <ErrorNotice error={q.error} /> : null}
      {q.data ? (
        <>
          <p>
            {q.data.total} dossier{q.data.total > 1 ? 's' : ''} au total.
          </p>
          {entries.length === 0 ? (
            <p>Aucun dossier pour le moment.</p>
          ) : (
            <div className="fr-grid-row fr-grid-row--gutters" data-testid="compteurs">
              {entries.map(([status, count]) => (
                <div key={status} className="fr-col-12 fr-col-sm-6 fr-col-md-4">
                  <div className="fr-tile fr-enlarge-link">
                    <div className="fr-tile__body">
                      <div className="fr-tile__content">
                        <h2 className="fr-tile__title">
                          <Link to={`/rechercher?statut=${encodeURIComponent(status)}`}>
                            {count} — {statusLabel(status)}
                          </Link>
                        </h2>
                        <p className="fr-tile__detail">{count > 1 ? 'Voir ces dossiers' : 'Voir ce dossier'}</p>
                      </div>
                    </div>
                  </div>
                </div>
              ))}
            </div>
          )}
        </>
      ) : null}
    </>
  );
}
