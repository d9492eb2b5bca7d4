import { usePageTitle } from '../ui/usePageTitle';

export default function TableauDeBord() {
  usePageTitle('Tableau de bord');
  return <h1>Tableau de bord</h1>;
}
