import { usePageTitle } from '../ui/usePageTitle';

export default function Accueil() {
  usePageTitle('Accueil');
  return <h1>Accueil</h1>;
}
