import { Link, useParams } from 'react-router';
import { usePageTitle } from '../ui/usePageTitle';

/** The dossier screen: its chain of pieces, pending step, DGP picture, history and actions (being built). */
export function DossierPage() {
  const { dossierId } = useParams();
  usePageTitle(`Dossier ${dossierId ?? ''}`);
  return (
    <>
      <h1>Dossier {dossierId}</h1>
      <p>
        L’écran du dossier (pièces, étape en attente, délai global de paiement, historique, actions) arrive bientôt.
      </p>
      <Link to="/synthese">Retour à la synthèse</Link>
    </>
  );
}
