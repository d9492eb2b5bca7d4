import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { ErrorNotice } from '../ui/ErrorNotice';
import { formatDate, formatSiret } from '../ui/format';
import { Loading } from '../ui/Loading';
import { usePageTitle } from '../ui/usePageTitle';
import { Actions } from './Actions';
import { History, PendingStep, PieceChain } from './Chain';
import { DgpPicture } from './DgpPicture';
import { EvidencePack } from './EvidencePack';
import { statusLabel } from './labels';

/** The dossier screen: its chain of pieces, pending step, DGP picture, actions and history. */
export function DossierPage() {
  const { dossierId = '' } = useParams();
  const dossier = useQuery({
    queryKey: ['dossier', dossierId],
    queryFn: async () => unwrap(await api.GET('/v1/dossiers/{dossierId}', { params: { path: { dossierId } } })),
  });
  const first = dossier.data?.pieces[0];
  usePageTitle(first ? `Dossier ${first.numero}` : 'Dossier');
  if (dossier.isPending) return <Loading label="Chargement du dossier…" />;
  if (dossier.error) {
    return (
      <>
        <h1>Dossier</h1>
        <ErrorNotice error={dossier.error} title="Ce dossier n’a pas pu être affiché" />
        <Link to="/rechercher">Rechercher un dossier</Link>
      </>
    );
  }
  const d = dossier.data;
  return (
    <>
      <h1>Dossier {first ? `${first.cadre} n° ${first.numero}` : d.id}</h1>
      <p data-testid="etat-dossier">
        <span className={`fr-badge ${d.clos ? 'fr-badge--info' : 'fr-badge--new'} fr-mr-1w`}>{d.libelleEtat}</span>
        Statut : {statusLabel(d.statut)} · {d.type === 'SOLDE' ? 'solde' : 'acompte mensuel'} · ouvert le{' '}
        {formatDate(d.ouvertLe)} · fournisseur {formatSiret(d.parties.fournisseur.siret)} ·{' '}
        <Link to={`/marches/${d.marcheId}`}>fiche du marché</Link>
      </p>
      {d.suspension ? (
        <div className="fr-alert fr-alert--warning fr-mb-4w">
          <p>
            Suspendu le {formatDate(d.suspension.le)} : documents manquants —{' '}
            {d.suspension.documentsManquants.join(', ')}
            {d.suspension.completeeLe ? ` (complété le ${formatDate(d.suspension.completeeLe)})` : ''}.
          </p>
        </div>
      ) : null}
      {d.refus ? (
        <div className="fr-alert fr-alert--error fr-mb-4w">
          <p>
            Refusé le {formatDate(d.refus.le)} : {d.refus.motif}
          </p>
        </div>
      ) : null}
      {d.complementsInformation.length > 0 ? (
        <section aria-labelledby="complements-titre" className="fr-mb-4w" data-testid="complements-information">
          <h2 id="complements-titre">Compléments d’information</h2>
          {d.complementsInformation.map((c) => (
            <div key={`${c.niveau}-${c.par}`} className="fr-callout fr-mb-2w">
              <p className="fr-callout__text">{c.texte}</p>
              <p className="fr-text--sm fr-mb-0">
                Validation de niveau {c.niveau} par {formatSiret(c.par)}, le {formatDate(c.le)}
              </p>
            </div>
          ))}
        </section>
      ) : null}
      <PendingStep attente={d.attente} />
      <Actions dossier={d} />
      {d.delai ? <DgpPicture delai={d.delai} /> : null}
      <EvidencePack dossierId={d.id} late={(d.delai?.joursDeRetard ?? 0) > 0} />
      <PieceChain dossier={d} />
      <History dossierId={d.id} />
    </>
  );
}
