import { usePageTitle } from '../ui/usePageTitle';

export default function MarcheFiche() {
  usePageTitle('Fiche du marché');
  return <h1>Fiche du marché</h1>;
}
