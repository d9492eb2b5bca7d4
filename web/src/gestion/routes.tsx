import type { RouteObject } from 'react-router';

/** The administration screens (Activités du gestionnaire, annuaire, Mon compte), loaded on demand. */
const screen = (load: () => Promise<{ default: React.ComponentType }>): Pick<RouteObject, 'lazy'> => ({
  lazy: async () => ({ Component: (await load()).default }),
});

export const gestionRoutes: RouteObject[] = [
  { path: 'gestion', ...screen(() => import('./Gestion')) },
  { path: 'gestion/nouvelle-structure', ...screen(() => import('./CreerStructure')) },
  { path: 'gestion/structures/:siret', ...screen(() => import('./StructurePage')) },
  { path: 'annuaire', ...screen(() => import('./Annuaire')) },
  { path: 'mon-compte', ...screen(() => import('./MonCompte')) },
];
