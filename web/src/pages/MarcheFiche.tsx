import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useQuery } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { useSiret } from '../app/structure';
import { ErrorNotice } from '../ui/ErrorNotice';
import { formatAmount, formatDate, formatSiret } from '../ui/format';
import { Loading } from '../ui/Loading';
import { usePageTitle } from '../ui/usePageTitle';

const pct = (v: string | undefined) => (v ? `${v.replace('.', ',')} %` : '—');

/** The fiche d'identité of a marché, as the rule book checked it. */
export default function MarcheFiche() {
  const { marcheId = '' } = useParams();
  const siret = useSiret();
  const saved = (useLocation().state as { enregistre?: boolean } | null)?.enregistre === true;
  const q = useQuery({
    queryKey: ['marche', marcheId],
    queryFn: async () => unwrap(await api.GET('/v1/marches/{marcheId}', { params: { path: { marcheId } } })),
  });
  usePageTitle(q.data ? `Marché ${q.data.numeroMarche}` : 'Fiche du marché');
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorNotice error={q.error} title="Ce marché n’a pas pu être chargé" />;
  const m = q.data;
  return (
    <>
      <p>
        <Link to="/marches">Retour aux marchés</Link>
      </p>
      <h1>Marché {m.numeroMarche}</h1>
      <p className="fr-text--lead">{m.objet}</p>
      {saved ? <Alert severity="success" small description="Fiche enregistrée." className="fr-mb-2w" /> : null}
      {m.acteurs.some((a) => a.role === 'MOA' && a.siret === siret) ? (
        <p>
          <Link className="fr-btn fr-btn--secondary" to={`/marches/${encodeURIComponent(m.id)}/modifier`}>
            Modifier la fiche (avenant)
          </Link>
        </p>
      ) : null}
      <h2>Fiche d’identité</h2>
      <dl className="ft-fiche">
        <dt>Notifié le</dt>
        <dd>{formatDate(m.dateNotification)}</dd>
        <dt>CCAG</dt>
        <dd>{m.ccagVersion}</dd>
        <dt>Montant initial HT</dt>
        <dd>{formatAmount(m.montantInitialHt)}</dd>
        <dt>Taux de TVA</dt>
        <dd>{m.tauxTva.map(pct).join(', ')}</dd>
        <dt>Retenue de garantie</dt>
        <dd>{pct(m.retenueGarantie)}</dd>
        <dt>Délai global de paiement</dt>
        <dd>{m.dgpJours} jours</dd>
        <dt>Délai du maître d’œuvre</dt>
        <dd>{m.delaiMoeJours} jours</dd>
        <dt>Rappel avant chaque échéance</dt>
        <dd>{m.rappelJoursAvant} jours avant</dd>
        <dt>Lots</dt>
        <dd>{m.lots.length ? m.lots.join(', ') : '—'}</dd>
      </dl>
      <h2>Acteurs</h2>
      <div className="fr-table fr-table--bordered ft-table-scroll">
        <table>
          <caption>Acteurs du marché</caption>
          <thead>
            <tr>
              <th scope="col">Rôle</th>
              <th scope="col">Structure</th>
              <th scope="col">SIRET</th>
              <th scope="col">Engagement</th>
            </tr>
          </thead>
          <tbody>
            {m.acteurs.map((a) => (
              <tr key={`${a.role}-${a.siret}`}>
                <td>{a.role}</td>
                <td>{a.raisonSociale ?? '—'}</td>
                <td>{formatSiret(a.siret)}</td>
                <td>{a.engagementJuridique ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
