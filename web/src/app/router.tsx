import { createBrowserRouter, Outlet, type RouteObject, redirect } from 'react-router';
import { OidcCallback, RequireAuth, SignIn } from '../auth/SignIn';
import { depositRoutes } from '../deposit/routes';
import { dossierRoutes } from '../dossier/routes';
import { gestionRoutes } from '../gestion/routes';
import { ErrorContent, ErrorPage, NotFound } from './ErrorPage';
import { Layout } from './Layout';

/** Screens other than the first are loaded on demand (the initial script stays small). */
const screen = (load: () => Promise<{ default: React.ComponentType }>): Pick<RouteObject, 'lazy'> => ({
  lazy: async () => ({ Component: (await load()).default }),
});

/** The route table: the sign-in pages, then every signed-in screen inside the layout (header, navigation, footer). */
export const routes: RouteObject[] = [
  { path: '/connexion', element: <SignIn />, errorElement: <ErrorPage /> },
  { path: '/connexion/retour', element: <OidcCallback />, errorElement: <ErrorPage /> },
  {
    path: '/',
    element: (
      <RequireAuth>
        <Layout />
      </RequireAuth>
    ),
    errorElement: <ErrorPage />,
    children: [
      {
        // Errors of one screen stay inside the layout: the header and its navigation remain a way back.
        element: <Outlet />,
        errorElement: <ErrorContent />,
        children: [
          { index: true, ...screen(() => import('../pages/Accueil')) },
          { path: 'synthese', ...screen(() => import('../pages/Synthese')) },
          { path: 'brouillons', ...screen(() => import('../pages/Brouillons')) },
          { path: 'tableau-de-bord', ...screen(() => import('../pages/TableauDeBord')) },
          { path: 'delais', ...screen(() => import('../pages/Delais')) },
          { path: 'marches', ...screen(() => import('../pages/Marches')) },
          { path: 'marches/nouveau', ...screen(() => import('../pages/MarcheForm')) },
          { path: 'marches/:marcheId', ...screen(() => import('../pages/MarcheFiche')) },
          { path: 'marches/:marcheId/modifier', ...screen(() => import('../pages/MarcheForm')) },
          { path: 'notifications', ...screen(() => import('../pages/Notifications')) },
          // Notifications (and their e-mails) link a structure as /structures/{siret}
          { path: 'structures/:siret', loader: ({ params }) => redirect(`/gestion/structures/${params.siret ?? ''}`) },
          ...depositRoutes,
          ...dossierRoutes,
          ...gestionRoutes,
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
];

export const router = () => createBrowserRouter(routes);
