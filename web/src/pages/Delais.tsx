import { usePageTitle } from '../ui/usePageTitle';

export default function Delais() {
  usePageTitle('Délais de paiement');
  return <h1>Délais de paiement</h1>;
}
