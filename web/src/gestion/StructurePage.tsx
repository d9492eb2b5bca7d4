import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import { useStructure } from '../app/structure';
import { ErrorNotice } from '../ui/ErrorNotice';
import { formatDate, formatSiret } from '../ui/format';
import { Loading } from '../ui/Loading';
import { usePageTitle } from '../ui/usePageTitle';
import { ChangementSiret } from './ChangementSiret';
import { CompteTechnique } from './CompteTechnique';
import { send } from './common';
import { Fiche } from './Fiche';
import { Membres } from './Membres';
import { Services } from './Services';

export const structureQuery = (siret: string) => ({
  queryKey: ['gestion-structure', siret],
  queryFn: async () => send(api.GET('/v1/structures/{siret}', { params: { path: { siret } } })),
});

/** One structure's administration: card, services, spaces and members; the GP's technical account and SIRET change. */
export default function StructurePage() {
  const { siret = '' } = useParams();
  const { moi } = useStructure();
  const q = useQuery(structureQuery(siret));
  usePageTitle(q.data ? `Gestion de ${q.data.raisonSociale}` : 'Gestion de la structure');
  const mine = moi.structures.find((s) => s.siret === siret && s.statut === 'ACCEPTE');
  const role = mine?.role ?? 'UTILISATEUR';
  const gp = role === 'GESTIONNAIRE_PRINCIPAL';
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorNotice error={q.error} />;
  const s = q.data;
  return (
    <>
      <p className="fr-mb-1w">
        <Link to="/gestion" className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
          Activités du gestionnaire
        </Link>
      </p>
      <h1>{s.raisonSociale}</h1>
      <p>
        SIRET {formatSiret(s.siret)} · structure {s.type === 'PUBLIC' ? 'publique' : 'privée'} · créée le{' '}
        {formatDate(s.creeLe)}
        {s.siretOrigine ? ` · remplace le SIRET ${formatSiret(s.siretOrigine)}` : ''}
      </p>
      {!s.active ? (
        <Alert
          severity="warning"
          title="Structure désactivée"
          description={`Désactivée le ${formatDate(s.desactiveeLe)}${s.siretSuccesseur ? ` ; remplacée par la structure ${formatSiret(s.siretSuccesseur)}` : ''}. Ses pièces restent lisibles et peuvent encore être traitées.`}
          className="fr-mb-4w"
        />
      ) : null}
      {role === 'UTILISATEUR' ? (
        <Alert
          severity="info"
          title="Réservé aux gestionnaires"
          description="Seuls le gestionnaire principal et les gestionnaires secondaires administrent la structure."
        />
      ) : (
        <>
          <Fiche structure={s} />
          <Services structure={s} />
          <Membres structure={s} gp={gp} myId={moi.utilisateur.id} />
          {gp ? <CompteTechnique structure={s} /> : null}
          {gp && s.active ? <ChangementSiret structure={s} /> : null}
        </>
      )}
    </>
  );
}
