import { usePageTitle } from '../ui/usePageTitle';

export default function MarcheForm() {
  usePageTitle('Fiche d’identité du marché');
  return <h1>Fiche d’identité du marché</h1>;
}
