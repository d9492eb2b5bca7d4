import { usePageTitle } from '../ui/usePageTitle';

export default function Synthese() {
  usePageTitle('Synthèse');
  return <h1>Synthèse</h1>;
}
