import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, type components } from '../api/client';
import { unwrap } from '../api/problem';
import { useSiret } from '../app/structure';
import { ErrorNotice } from '../ui/ErrorNotice';
import { formatAmount, formatDate, formatDaysLeft } from '../ui/format';
import { Loading } from '../ui/Loading';
import { NoStructure } from '../ui/NoStructure';
import { usePageTitle } from '../ui/usePageTitle';
import { brouillonsQuery } from './Brouillons';

type Ligne = components['schemas']['LigneSynthese'];

/** The Synthèse, 100 rows a page: « Afficher plus » loads the next page (the API's « suivant »). */
export const syntheseQuery = (siret: string) => ({
  queryKey: ['synthese', siret],
  initialPageParam: undefined as string | undefined,
  queryFn: async ({ pageParam }: { pageParam: string | undefined }) =>
    unwrap(
      await api.GET('/v1/structures/{siret}/a-traiter', {
        params: { path: { siret }, query: { limite: 100, ...(pageParam ? { suivant: pageParam } : {}) } },
      }),
    ),
  getNextPageParam: (last: { suivant?: string }) => last.suivant,
});

function Deadline({ l }: { l: Ligne }) {
  if (l.joursRestants === null || l.joursRestants === undefined) return <span>Sans délai</span>;
  return (
    <>
      {formatDate(l.dernierJour)}{' '}
      {l.enRetard ? (
        <Badge severity="error" small noIcon>
          En retard
        </Badge>
      ) : (
        <Badge severity={l.joursRestants <= 3 ? 'warning' : 'info'} small noIcon>
          {formatDaysLeft(l.joursRestants)}
        </Badge>
      )}
    </>
  );
}

/** « Synthèse »: what waits for the structure, soonest deadline first; a click opens the dossier. */
export default function Synthese() {
  usePageTitle('Synthèse');
  const siret = useSiret();
  const q = useInfiniteQuery({ ...syntheseQuery(siret ?? ''), enabled: !!siret });
  const first = q.data?.pages[0];
  const lignes = q.data?.pages.flatMap((p) => p.lignes) ?? [];
  // Drafts are listed too: state « Brouillon », no deposit date (they are not sent, nobody else sees them)
  const drafts = useQuery({ ...brouillonsQuery(siret ?? ''), enabled: !!siret });
  const brouillons = drafts.data?.brouillons ?? [];
  return (
    <>
      <h1>Synthèse</h1>
      <p className="fr-text--lead">Retrouvez toutes les pièces à traiter, l’échéance la plus proche d’abord.</p>
      {!siret ? <NoStructure /> : null}
      {q.isPending && siret ? <Loading /> : null}
      {q.error ? <ErrorNotice error={q.error} /> : null}
      {first && lignes.length === 0 && brouillons.length === 0 ? (
        <p>Rien n’attend votre structure pour le moment.</p>
      ) : null}
      {first && (lignes.length > 0 || brouillons.length > 0) ? (
        <>
          <div className="fr-table fr-table--bordered ft-table-scroll" data-testid="synthese">
            <table>
              <caption>
                {first.total} pièce{first.total > 1 ? 's' : ''} à traiter au {formatDate(first.aujourdhui)}
                {lignes.length < first.total ? ` (${lignes.length} affichées)` : ''}
                {brouillons.length > 0
                  ? `, et ${brouillons.length} brouillon${brouillons.length > 1 ? 's' : ''} non envoyé${brouillons.length > 1 ? 's' : ''}`
                  : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Numéro</th>
                  <th scope="col">Date de dépôt</th>
                  <th scope="col">Déposant</th>
                  <th scope="col">Cadre</th>
                  <th scope="col">État courant</th>
                  <th scope="col">Montant TTC</th>
                  <th scope="col">Engagement</th>
                  <th scope="col">Échéance</th>
                  <th scope="col">À défaut de réponse</th>
                </tr>
              </thead>
              <tbody>
                {brouillons.map((b) => (
                  <tr key={b.id} data-testid="ligne-brouillon">
                    <td>
                      <Link to="/brouillons">{b.numero}</Link>
                    </td>
                    <td>—</td>
                    <td>Votre structure</td>
                    <td>{b.cadre}</td>
                    <td>
                      Brouillon
                      <br />
                      <span className="fr-text--xs">créé le {formatDate(b.creeLe)}, non envoyé</span>
                    </td>
                    <td className="ft-amount">{formatAmount(b.montants?.ttc)}</td>
                    <td>—</td>
                    <td>Sans délai</td>
                    <td>Rien n’est transmis tant que la pièce n’est pas envoyée</td>
                  </tr>
                ))}
                {lignes.map((l) => (
                  <tr key={l.dossierId} className={l.enRetard ? 'ft-row-late' : undefined}>
                    <td>
                      <Link to={`/dossiers/${encodeURIComponent(l.dossierId)}`}>{l.piece?.numero ?? l.dossierId}</Link>
                    </td>
                    <td>{formatDate(l.piece?.deposeeLe)}</td>
                    <td>{l.deposant ? (l.deposant.raisonSociale ?? l.deposant.siret) : '—'}</td>
                    <td>{l.piece?.cadre ?? '—'}</td>
                    <td>
                      {l.libelleEtat}
                      <br />
                      <span className="fr-text--xs">depuis le {formatDate(l.etatDepuis)}</span>
                    </td>
                    <td className="ft-amount">{formatAmount(l.montantTtc)}</td>
                    <td>{l.engagement ?? '—'}</td>
                    <td>
                      <Deadline l={l} />
                    </td>
                    <td>{l.aDefautDeReponse?.description ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {q.hasNextPage ? (
            <Button
              priority="secondary"
              disabled={q.isFetchingNextPage}
              onClick={() => void q.fetchNextPage()}
              data-testid="afficher-plus"
            >
              {q.isFetchingNextPage ? 'Chargement…' : `Afficher plus (${first.total - lignes.length} restantes)`}
            </Button>
          ) : null}
        </>
      ) : null}
    </>
  );
}
