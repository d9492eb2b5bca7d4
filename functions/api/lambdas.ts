import { httpRoutes, type LambdaDefinition } from '../lambda-definition';
import { handler as annuaire } from './annuaire';
import { handler as marches } from './marches';
import { handler as notifications } from './notifications';
import { lireOpenApi } from './openapi-operation';
import { handler as portail } from './portail';
import { handler as structures } from './structures';
import { handler as tableaux } from './tableaux';
import { handler as tauxBce } from './taux-bce';
import { handler as utilisateurs } from './utilisateurs';

/**
 * Lambda functions of this concern (identity, marchés, dashboards, OpenAPI); merged into LAMBDAS by
 * functions/registry.ts. One function per resource group; inside, `route()` (shared/http/router.ts) dispatches on
 * the route key. Each function's routes are read from the handler its entry exports (`httpRoutes`), never listed here.
 * Every function that answers a POST writes the table (idempotency records), hence readWrite.
 */
export const API_LAMBDAS = {
  apiStructures: {
    entry: 'functions/api/structures.ts',
    kind: 'http',
    description: 'Structures, services, espaces, changement de SIRET, compte technique, rattachements',
    routes: httpRoutes(structures),
    access: { table: 'readWrite', machineClients: true },
    // scrypt of the technical password (N = 16384) needs memory and a little CPU
    memoryMb: 512,
  },
  apiAnnuaire: {
    entry: 'functions/api/annuaire.ts',
    kind: 'http',
    description: 'Annuaire public des structures publiques : recherche par nom ou SIRET, téléchargement CSV',
    routes: httpRoutes(annuaire),
    access: { table: 'read' },
  },
  apiTauxBce: {
    entry: 'functions/api/taux-bce.ts',
    kind: 'http',
    description: 'Taux de la BCE par semestre : lecture et saisie par un opérateur de la plateforme',
    routes: httpRoutes(tauxBce),
    access: { table: 'readWrite' },
  },
  apiUtilisateurs: {
    entry: 'functions/api/utilisateurs.ts',
    kind: 'http',
    description: 'Inscription, mon compte (structures, rôles, espaces), adresse de contact',
    routes: httpRoutes(utilisateurs),
    access: { table: 'readWrite' },
  },
  apiNotifications: {
    entry: 'functions/api/notifications.ts',
    kind: 'http',
    description: "Mes notifications (non lues d'abord, compte, lecture) et mes préférences de courriel",
    routes: httpRoutes(notifications),
    access: { table: 'readWrite' },
  },
  apiMarches: {
    entry: 'functions/api/marches.ts',
    kind: 'http',
    description: "Fiche d'identité du marché : création, lecture, avenant ; marchés d'une structure",
    routes: httpRoutes(marches),
    access: { table: 'readWrite' },
  },
  apiTableaux: {
    entry: 'functions/api/tableaux.ts',
    kind: 'http',
    description: 'Synthèse (attentes par échéance), tableau de bord (compteurs par statut), délais de paiement du MOA',
    routes: httpRoutes(tableaux),
    access: { table: 'read' },
  },
  apiPortail: {
    entry: 'functions/api/portail.ts',
    kind: 'http',
    description: "Portail : synthèse détaillée (attentes et leur dossier) et fil d'événements de la structure",
    routes: httpRoutes(portail),
    access: { table: 'read' },
  },
  apiOpenApi: {
    entry: 'functions/api/openapi.ts',
    kind: 'http',
    description: "GET /v1/openapi.json : le document OpenAPI 3.1 de toute l'API",
    routes: httpRoutes(lireOpenApi),
    embedsOpenApi: true,
  },
} as const satisfies Record<string, LambdaDefinition>;
