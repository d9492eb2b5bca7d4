import type { LambdaDefinition } from '../lambda-definition';

/**
 * Lambda functions of this concern (identity, marchés, dashboards, OpenAPI); merged into LAMBDAS by
 * functions/registry.ts. One function per resource group; inside, `route()` (shared/http/router.ts) dispatches on
 * the route key. The routes listed here and the handlers' own method + path must agree (test/unit/api/registry).
 * Every function that answers a POST writes the table (idempotency records), hence readWrite.
 */
export const API_LAMBDAS = {
  apiStructures: {
    entry: 'functions/api/structures.ts',
    kind: 'http',
    description: 'Structures, services, espaces, changement de SIRET, compte technique, rattachements',
    routes: [
      { method: 'POST', path: '/v1/structures', public: false },
      { method: 'GET', path: '/v1/structures/{siret}', public: false },
      { method: 'GET', path: '/v1/structures/{siret}/services', public: false },
      { method: 'POST', path: '/v1/structures/{siret}/services', public: false },
      { method: 'POST', path: '/v1/structures/{siret}/espaces', public: false },
      { method: 'POST', path: '/v1/structures/{siret}/changement-siret', public: false },
      { method: 'POST', path: '/v1/structures/{siret}/compte-technique/mot-de-passe', public: false },
      { method: 'POST', path: '/v1/structures/{siret}/compte-technique/client', public: false },
      { method: 'GET', path: '/v1/structures/{siret}/membres', public: false },
      { method: 'POST', path: '/v1/structures/{siret}/rattachements', public: false },
      { method: 'POST', path: '/v1/structures/{siret}/rattachements/{userId}/decision', public: false },
      { method: 'POST', path: '/v1/structures/{siret}/gestionnaire-principal', public: false },
      { method: 'POST', path: '/v1/structures/{siret}/membres/{userId}/role', public: false },
      { method: 'POST', path: '/v1/structures/{siret}/membres/{userId}/espaces', public: false },
      { method: 'GET', path: '/v1/verification-siret', public: false },
      { method: 'PATCH', path: '/v1/structures/{siret}', public: false },
      { method: 'PATCH', path: '/v1/structures/{siret}/services/{code}', public: false },
    ],
    access: { table: 'readWrite', machineClients: true },
    // scrypt of the technical password (N = 16384) needs memory and a little CPU
    memoryMb: 512,
  },
  apiAnnuaire: {
    entry: 'functions/api/annuaire.ts',
    kind: 'http',
    description: 'Annuaire public des structures publiques : recherche par nom ou SIRET, téléchargement CSV',
    routes: [
      { method: 'GET', path: '/v1/annuaire', public: true },
      { method: 'GET', path: '/v1/annuaire.csv', public: true },
    ],
    access: { table: 'read' },
  },
  apiTauxBce: {
    entry: 'functions/api/taux-bce.ts',
    kind: 'http',
    description: 'Taux de la BCE par semestre : lecture et saisie par un opérateur de la plateforme',
    routes: [
      { method: 'GET', path: '/v1/taux-bce', public: false },
      { method: 'POST', path: '/v1/taux-bce', public: false },
    ],
    access: { table: 'readWrite' },
  },
  apiUtilisateurs: {
    entry: 'functions/api/utilisateurs.ts',
    kind: 'http',
    description: 'Inscription, mon compte (structures, rôles, espaces), adresse de contact',
    routes: [
      { method: 'POST', path: '/v1/utilisateurs', public: false },
      { method: 'GET', path: '/v1/moi', public: false },
      { method: 'PATCH', path: '/v1/moi', public: false },
      { method: 'POST', path: '/v1/moi/connexions', public: false },
      { method: 'POST', path: '/v1/moi/desactivation', public: false },
      { method: 'POST', path: '/v1/utilisateurs/{userId}/desactivation', public: false },
    ],
    access: { table: 'readWrite' },
  },
  apiNotifications: {
    entry: 'functions/api/notifications.ts',
    kind: 'http',
    description: "Mes notifications (non lues d'abord, compte, lecture) et mes préférences de courriel",
    routes: [
      { method: 'GET', path: '/v1/moi/notifications', public: false },
      { method: 'GET', path: '/v1/moi/notifications/non-lues', public: false },
      { method: 'PUT', path: '/v1/moi/notifications/{notificationId}/lue', public: false },
      { method: 'GET', path: '/v1/moi/preferences-notifications', public: false },
      { method: 'PUT', path: '/v1/moi/preferences-notifications', public: false },
    ],
    access: { table: 'readWrite' },
  },
  apiMarches: {
    entry: 'functions/api/marches.ts',
    kind: 'http',
    description: "Fiche d'identité du marché : création, lecture, avenant ; marchés d'une structure",
    routes: [
      { method: 'POST', path: '/v1/marches', public: false },
      { method: 'GET', path: '/v1/marches/{marcheId}', public: false },
      { method: 'PUT', path: '/v1/marches/{marcheId}', public: false },
      { method: 'GET', path: '/v1/structures/{siret}/marches', public: false },
    ],
    access: { table: 'readWrite' },
  },
  apiTableaux: {
    entry: 'functions/api/tableaux.ts',
    kind: 'http',
    description: 'Synthèse (attentes par échéance), tableau de bord (compteurs par statut), délais de paiement du MOA',
    routes: [
      { method: 'GET', path: '/v1/structures/{siret}/synthese', public: false },
      { method: 'GET', path: '/v1/structures/{siret}/tableau-de-bord', public: false },
      { method: 'GET', path: '/v1/structures/{siret}/delais', public: false },
    ],
    access: { table: 'read' },
  },
  apiPortail: {
    entry: 'functions/api/portail.ts',
    kind: 'http',
    description: "Portail : synthèse détaillée (attentes et leur dossier) et fil d'événements de la structure",
    routes: [
      { method: 'GET', path: '/v1/structures/{siret}/a-traiter', public: false },
      { method: 'GET', path: '/v1/structures/{siret}/evenements', public: false },
    ],
    access: { table: 'read' },
  },
  apiOpenApi: {
    entry: 'functions/api/openapi.ts',
    kind: 'http',
    description: "GET /v1/openapi.json : le document OpenAPI 3.1 de toute l'API",
    routes: [{ method: 'GET', path: '/v1/openapi.json', public: true }],
  },
} as const satisfies Record<string, LambdaDefinition>;
