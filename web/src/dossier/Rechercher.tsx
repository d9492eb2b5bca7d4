import { usePageTitle } from '../ui/usePageTitle';

/** Rechercher: dossiers by marché, numéro, état, déposant, dates, « en retard » (being built). */
export function Rechercher() {
  usePageTitle('Rechercher');
  return (
    <>
      <h1>Rechercher</h1>
      <p>La recherche de dossiers arrive bientôt.</p>
    </>
  );
}
