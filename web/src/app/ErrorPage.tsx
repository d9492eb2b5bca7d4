import { isRouteErrorResponse, Link, Navigate, useRouteError } from 'react-router';
import { ApiError, messageOf } from '../api/problem';
import { usePageTitle } from '../ui/usePageTitle';

/** What a screen shows when it failed: what happened, in French, and a way back; never a blank page or a stack. */
export function ErrorPage() {
  return (
    <main id="contenu" className="fr-container fr-py-6w">
      <ErrorContent />
    </main>
  );
}

/** The same, inside the signed-in layout (the header and its navigation stay usable). */
export function ErrorContent() {
  const error = useRouteError();
  usePageTitle('Erreur');
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  if (notFound) return <NotFound />;
  // An expired session: the sign-in page says so.
  if (error instanceof ApiError && error.status === 401) return <Navigate to="/connexion" replace />;
  return (
    <div className="fr-py-2w">
      <h1>Une erreur est survenue</h1>
      <p className="fr-text--lead">Cette page n’a pas pu s’afficher.</p>
      <p>{isRouteErrorResponse(error) ? `Erreur ${error.status}` : messageOf(error)}</p>
      <ul className="fr-btns-group fr-btns-group--inline-md">
        <li>
          <Link className="fr-btn" to="/">
            Retour à l’accueil
          </Link>
        </li>
        <li>
          <button type="button" className="fr-btn fr-btn--secondary" onClick={() => window.location.reload()}>
            Recharger la page
          </button>
        </li>
      </ul>
    </div>
  );
}

export function NotFound() {
  usePageTitle('Page non trouvée');
  return (
    <div className="fr-py-6w">
      <h1>Page non trouvée</h1>
      <p className="fr-text--lead">La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée.</p>
      <p>
        Si vous avez tapé l’adresse web dans le navigateur, vérifiez qu’elle est correcte. La page n’est peut-être plus
        disponible.
      </p>
      <Link className="fr-btn" to="/">
        Page d’accueil
      </Link>
    </div>
  );
}
