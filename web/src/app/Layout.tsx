import { Footer } from '@codegouvfr/react-dsfr/Footer';
import { Header } from '@codegouvfr/react-dsfr/Header';
import { SkipLinks } from '@codegouvfr/react-dsfr/SkipLinks';
import { Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { BellText } from '../notifications/Bell';
import { formatDateTime, formatSiret } from '../ui/format';
import { Loading } from '../ui/Loading';
import { StructureProvider, useStructure } from './structure';

const BRAND = (
  <>
    République
    <br />
    Française
  </>
);

const NAVIGATION = [
  { text: 'Accueil', to: '/', exact: true },
  { text: 'Synthèse', to: '/synthese' },
  { text: 'Déposer', to: '/deposer' },
  { text: 'Brouillons', to: '/brouillons' },
  { text: 'Rechercher', to: '/rechercher' },
  { text: 'Tableau de bord', to: '/tableau-de-bord' },
  { text: 'Délais', to: '/delais' },
  { text: 'Marchés', to: '/marches' },
  { text: 'Activités du gestionnaire', to: '/gestion' },
  { text: 'Mon compte', to: '/mon-compte' },
] as const;

function StructurePicker() {
  const { structures, current, select } = useStructure();
  if (structures.length === 0) return <span className="fr-text--sm fr-mb-0">Aucune structure rattachée</span>;
  if (structures.length === 1 && current) {
    return (
      <span className="fr-text--sm fr-mb-0" data-testid="structure-courante">
        Structure : {formatSiret(current.siret)} - {current.raisonSociale ?? ''}
      </span>
    );
  }
  return (
    <div className="fr-select-group fr-mb-0 ft-structure-picker">
      <label className="fr-label fr-text--sm" htmlFor="structure-courante">
        Structure
      </label>
      <select
        id="structure-courante"
        className="fr-select"
        value={current?.siret ?? ''}
        onChange={(e) => select(e.target.value)}
      >
        {structures.map((s) => (
          <option key={s.siret} value={s.siret}>
            {s.siret} - {s.raisonSociale ?? ''}
          </option>
        ))}
      </select>
    </div>
  );
}

function UserBox() {
  const { moi } = useStructure();
  const u = moi.utilisateur;
  return (
    <span className="fr-text--sm fr-mb-0 ft-user" data-testid="utilisateur">
      <span className="fr-icon-account-circle-line fr-icon--sm" aria-hidden="true" /> {u.adresseConnexion}
      {u.connexionPrecedenteLe ? (
        <span className="ft-last-login"> · Dernière connexion le {formatDateTime(u.connexionPrecedenteLe)}</span>
      ) : null}
    </span>
  );
}

function Shell() {
  const { signOut } = useAuth();
  const location = useLocation();
  const isActive = (to: string, exact?: boolean) =>
    exact ? location.pathname === to : location.pathname === to || location.pathname.startsWith(`${to}/`);
  return (
    <>
      <SkipLinks
        links={[
          { anchor: '#contenu', label: 'Contenu' },
          { anchor: '#navigation-principale', label: 'Menu' },
        ]}
      />
      <Header
        brandTop={BRAND}
        serviceTitle="Factures de travaux"
        serviceTagline="Pièces de facturation des marchés publics de travaux et délai global de paiement"
        homeLinkProps={{ to: '/', title: 'Accueil — Factures de travaux' }}
        quickAccessItems={[
          <UserBox key="user" />,
          <StructurePicker key="structure" />,
          { iconId: 'fr-icon-notification-3-line', text: <BellText />, linkProps: { to: '/notifications' } },
          {
            iconId: 'fr-icon-logout-box-r-line',
            text: 'Déconnexion',
            buttonProps: { onClick: signOut, type: 'button' },
          },
        ]}
        navigation={NAVIGATION.map((n) => ({
          text: n.text,
          linkProps: { to: n.to },
          isActive: isActive(n.to, 'exact' in n ? n.exact : false),
        }))}
        id="navigation-principale"
      />
      <main id="contenu" className="fr-container fr-py-4w" tabIndex={-1}>
        <Outlet />
      </main>
      <Footer
        accessibility="partially compliant"
        contentDescription="Factures de travaux : implémentation de référence, libre, du circuit « Factures de travaux » du CCAG Travaux. Les délais et les montants affichés sont ceux que calcule le service."
        bottomItems={[{ text: 'Document OpenAPI de l’API', linkProps: { href: '/v1/openapi.json' } }]}
      />
    </>
  );
}

/** The signed-in layout: DSFR header (structure picker, user, sign-out), main navigation, footer. */
export function Layout() {
  return (
    <StructureProvider
      fallback={
        <main id="contenu" className="fr-container fr-py-4w">
          <Loading label="Chargement de votre compte…" />
        </main>
      }
    >
      <Shell />
    </StructureProvider>
  );
}
