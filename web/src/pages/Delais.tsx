import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { useSiret } from '../app/structure';
import { ErrorNotice } from '../ui/ErrorNotice';
import { formatAmount, formatDate, formatDays } from '../ui/format';
import { Loading } from '../ui/Loading';
import { NoStructure } from '../ui/NoStructure';
import { usePageTitle } from '../ui/usePageTitle';

const HOLDERS: Record<string, string> = {
  MOE: 'Maître d’œuvre',
  MOA: 'Maître d’ouvrage',
  SERVICE_FINANCIER: 'Service financier',
};

/**
 * « Délais » (MOA, service financier): every open délai global de paiement of the structure, overdue first, with the
 * late-payment interest the API computed for each dossier (or the plain reason it cannot be computed). One request
 * a page: each row holds what it shows (no per-dossier read).
 */
export default function Delais() {
  usePageTitle('Délais de paiement');
  const siret = useSiret();
  // 100 délais a page: « Afficher plus » loads the next one (the API's « suivant »)
  const q = useInfiniteQuery({
    queryKey: ['delais', siret],
    enabled: !!siret,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET('/v1/structures/{siret}/delais', {
          params: {
            path: { siret: siret ?? '' },
            query: { limite: 100, ...(pageParam ? { suivant: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => last.suivant,
  });
  const first = q.data?.pages[0];
  const delais = q.data?.pages.flatMap((p) => p.delais) ?? [];
  return (
    <>
      <h1>Délais de paiement</h1>
      <p className="fr-text--lead">
        Les délais globaux de paiement en cours, les retards d’abord, avec les intérêts moratoires qui courent.
      </p>
      {!siret ? <NoStructure /> : null}
      {q.isPending && siret ? <Loading /> : null}
      {q.error ? <ErrorNotice error={q.error} /> : null}
      {first && delais.length === 0 ? (
        <p>
          Aucun délai de paiement en cours pour votre structure (seuls les maîtres d’ouvrage et les services financiers
          en suivent).
        </p>
      ) : null}
      {first && first.totaux.dossiersEnRetard > 0 ? (
        <div className="fr-callout fr-mb-3w" data-testid="delais-totaux">
          <p className="fr-callout__text">
            {first.totaux.dossiersEnRetard} dossier{first.totaux.dossiersEnRetard > 1 ? 's' : ''} en retard sur{' '}
            {first.total} : intérêts moratoires courus à ce jour {formatAmount(first.totaux.interetsMoratoires)},
            indemnités forfaitaires {formatAmount(first.totaux.indemnitesForfaitaires)}, soit{' '}
            <strong>{formatAmount(first.totaux.du)} dus au titre du retard</strong>.
            {first.totaux.dossiersSansInterets > 0
              ? ` Les intérêts de ${first.totaux.dossiersSansInterets} dossier${first.totaux.dossiersSansInterets > 1 ? 's' : ''} ne sont pas encore calculables (voir chaque ligne).`
              : ''}
          </p>
        </div>
      ) : null}
      {delais.length > 0 ? (
        <div className="fr-table fr-table--bordered ft-table-scroll" data-testid="delais">
          <table>
            <caption>
              {first?.total} délai{(first?.total ?? 0) > 1 ? 's' : ''} en cours au {formatDate(first?.aujourdhui)}
              {first && delais.length < first.total ? ` (${delais.length} affichés)` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Dossier</th>
                <th scope="col">Marché</th>
                <th scope="col">Échéance</th>
                <th scope="col">Jours restants ou de retard</th>
                <th scope="col">Détenteur</th>
                <th scope="col">Intérêts moratoires</th>
                <th scope="col">Total dû au titre du retard</th>
              </tr>
            </thead>
            <tbody>
              {delais.map((d) => {
                const raison = d.interetsNonCalculables?.message;
                return (
                  <tr key={d.dossierId}>
                    <td>
                      <Link to={`/dossiers/${encodeURIComponent(d.dossierId)}`}>
                        {d.piece ? `${d.piece.cadre} n° ${d.piece.numero}` : 'Ouvrir le dossier'}
                      </Link>
                    </td>
                    <td>
                      {d.marcheId ? (
                        <Link to={`/marches/${encodeURIComponent(d.marcheId)}`}>
                          {d.numeroMarche ?? 'Fiche du marché'}
                        </Link>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>{formatDate(d.echeance)}</td>
                    <td>
                      {d.enRetard ? (
                        <Badge severity="error" small noIcon>
                          {formatDays(d.joursDeRetard)} de retard
                        </Badge>
                      ) : (
                        formatDays(d.joursRestants)
                      )}
                    </td>
                    <td>{d.detenteur ? (HOLDERS[d.detenteur] ?? d.detenteur) : '—'}</td>
                    <td className="ft-amount">
                      {d.interetsMoratoires
                        ? formatAmount(d.interetsMoratoires)
                        : d.enRetard
                          ? (raison ?? 'Non calculables')
                          : '—'}
                    </td>
                    <td className="ft-amount">
                      {d.totalDu
                        ? formatAmount(d.totalDu)
                        : d.enRetard && d.indemniteForfaitaire
                          ? `${formatAmount(d.indemniteForfaitaire)} (indemnité seule)`
                          : '—'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {q.hasNextPage && first ? (
        <Button
          priority="secondary"
          disabled={q.isFetchingNextPage}
          onClick={() => void q.fetchNextPage()}
          data-testid="afficher-plus"
        >
          {q.isFetchingNextPage ? 'Chargement…' : `Afficher plus (${first.total - delais.length} restants)`}
        </Button>
      ) : null}
    </>
  );
}
