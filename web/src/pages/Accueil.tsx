import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { useStructure } from '../app/structure';
import { ErrorNotice } from '../ui/ErrorNotice';
import { formatDateTime } from '../ui/format';
import { Loading } from '../ui/Loading';
import { NoStructure } from '../ui/NoStructure';
import { usePageTitle } from '../ui/usePageTitle';

const QUICK = [
  { to: '/deposer', title: '+ Déposer une pièce', detail: 'Facture, projet de décompte… guidé pas à pas' },
  { to: '/synthese', title: 'Synthèse', detail: 'Les pièces qui attendent votre structure' },
  { to: '/rechercher', title: 'Rechercher', detail: 'Un dossier par marché, numéro, état…' },
  { to: '/tableau-de-bord', title: 'Tableau de bord', detail: 'Vos dossiers par statut' },
  { to: '/delais', title: 'Délais de paiement', detail: 'Les délais en cours et les retards' },
  { to: '/annuaire', title: 'Rechercher structure publique', detail: 'L’annuaire des destinataires publics' },
] as const;

/** « Accueil »: quick access and the structure's fil d'événements. */
export default function Accueil() {
  usePageTitle('Accueil');
  const { current } = useStructure();
  const siret = current?.siret;
  const q = useQuery({
    queryKey: ['evenements', siret],
    enabled: !!siret,
    queryFn: async () =>
      unwrap(await api.GET('/v1/structures/{siret}/evenements', { params: { path: { siret: siret ?? '' } } })),
  });
  return (
    <>
      <h1>Accueil</h1>
      {current ? <p className="fr-text--lead">{current.raisonSociale}</p> : <NoStructure />}
      <h2>Accès rapide</h2>
      <div className="fr-grid-row fr-grid-row--gutters fr-mb-4w">
        {QUICK.map((t) => (
          <div key={t.to} className="fr-col-12 fr-col-sm-6 fr-col-lg-3">
            <div className="fr-tile fr-enlarge-link">
              <div className="fr-tile__body">
                <div className="fr-tile__content">
                  <h3 className="fr-tile__title">
                    <Link to={t.to}>{t.title}</Link>
                  </h3>
                  <p className="fr-tile__detail">{t.detail}</p>
                </div>
              </div>
            </div>
          </div>
        ))}
      </div>
      <h2>Fil d’événements</h2>
      {q.isPending && siret ? <Loading /> : null}
      {q.error ? <ErrorNotice error={q.error} /> : null}
      {q.data && q.data.evenements.length === 0 ? (
        <p>Aucun événement récent sur les dossiers de votre structure.</p>
      ) : null}
      {q.data && q.data.evenements.length > 0 ? (
        <ul className="ft-events" data-testid="evenements">
          {q.data.evenements.map((e) => (
            <li key={`${e.dossierId}-${e.le}-${e.type}`}>
              <span className="fr-text--sm">{formatDateTime(e.le)}</span> — {e.libelle}
              {e.numero ? (
                <>
                  {' '}
                  : <Link to={`/dossiers/${encodeURIComponent(e.dossierId)}`}>pièce {e.numero}</Link>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
