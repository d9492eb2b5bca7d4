import type { RouteObject } from 'react-router';

/**
 * The dossier screens (Dossier with its DGP picture, Actions, Rechercher), mounted inside the signed-in layout.
 * Each is loaded on demand, so that the first screen does not pay for them.
 */
export const dossierRoutes: RouteObject[] = [
  { path: 'rechercher', lazy: async () => ({ Component: (await import('./Rechercher')).Rechercher }) },
  { path: 'dossiers/:dossierId', lazy: async () => ({ Component: (await import('./DossierPage')).DossierPage }) },
];
