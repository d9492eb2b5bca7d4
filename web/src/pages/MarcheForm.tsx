import { Link } from 'react-router';
import { usePageTitle } from '../ui/usePageTitle';

/** Creating or amending a fiche d'identité from the portal is not built yet: the API does it (POST/PUT /v1/marches). */
export default function MarcheForm() {
  usePageTitle('Fiche d’identité du marché');
  return (
    <>
      <h1>Fiche d’identité du marché</h1>
      <p>
        La saisie d’une fiche depuis le portail n’est pas encore disponible. Le maître d’ouvrage crée ou modifie une
        fiche par l’API (POST /v1/marches, PUT /v1/marches/&#123;id&#125;).
      </p>
      <Link to="/marches">Retour aux marchés</Link>
    </>
  );
}
