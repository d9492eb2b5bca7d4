import { usePageTitle } from '../ui/usePageTitle';

export default function Marches() {
  usePageTitle('Marchés');
  return <h1>Marchés</h1>;
}
