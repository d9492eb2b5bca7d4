import type { RouteObject } from 'react-router';

/**
 * The guided deposit: `/deposer` (marché, cadre, numéro) creates the draft, `/deposer/{dossierId}/{pieceId}` takes
 * it on (files, fields, sending, certificate) — the same screen reopens a draft from *Brouillons*.
 */
export const depositRoutes: RouteObject[] = [
  { path: 'deposer', lazy: async () => ({ Component: (await import('./Deposer')).default }) },
  {
    path: 'deposer/:dossierId/:pieceId',
    lazy: async () => ({ Component: (await import('./DepotBrouillon')).default }),
  },
];
