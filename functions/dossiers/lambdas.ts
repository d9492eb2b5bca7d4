import type { LambdaDefinition } from '../lambda-definition';

/**
 * Lambda functions of the dossiers and their pieces; merged into LAMBDAS by functions/registry.ts. One function per
 * resource group, `route()` (shared/http/router.ts) dispatching on the route key inside; the routes listed here and
 * the handlers' own method + path must agree (test/integration/api/dossiers/registry.test.ts).
 *
 * Descriptions stay in Latin-1: they become IAM role descriptions, which refuse ’ and ….
 *
 * Access, least privilege:
 * - dossiersRead writes nothing (GETs are not idempotent-recorded); `bucket: 'read'` because a presigned GET link is
 *   executed with the signing role's rights.
 * - dossiersAct writes the dossier (and idempotency records), sends piece drafts (which looks up awaited objects:
 *   bucket read), starts / releases the dossier's execution.
 * - dossiersPieces also issues presigned POST forms (executed with its rights: PutObject) and deletes a deleted
 *   draft's objects.
 */
export const DOSSIER_LAMBDAS = {
  dossiersRead: {
    entry: 'functions/dossiers/read.ts',
    kind: 'http',
    description:
      "Dossiers : lecture, liste par marché, délai global de paiement, piste d'audit, pièces, brouillons, cadres déposables, certificats de dépôt, liens de téléchargement",
    routes: [
      { method: 'GET', path: '/v1/dossiers/{dossierId}', public: false },
      { method: 'GET', path: '/v1/dossiers/{dossierId}/delai', public: false },
      { method: 'GET', path: '/v1/dossiers/{dossierId}/historique', public: false },
      { method: 'GET', path: '/v1/marches/{marcheId}/dossiers', public: false },
      { method: 'GET', path: '/v1/dossiers/{dossierId}/pieces/{pieceId}', public: false },
      { method: 'GET', path: '/v1/dossiers/{dossierId}/pieces/{pieceId}/certificat', public: false },
      { method: 'GET', path: '/v1/structures/{siret}/brouillons', public: false },
      { method: 'GET', path: '/v1/marches/{marcheId}/cadres-deposables', public: false },
      {
        method: 'GET',
        path: '/v1/dossiers/{dossierId}/pieces/{pieceId}/fichiers/{fichierId}/telechargement',
        public: false,
      },
    ],
    access: { table: 'read', bucket: 'read' },
  },
  dossiersSearch: {
    entry: 'functions/dossiers/search.ts',
    kind: 'http',
    description: 'Rechercher : les dossiers de ma structure sur tous ses marches, par criteres, page par page',
    routes: [{ method: 'GET', path: '/v1/dossiers', public: false }],
    access: { table: 'read' },
  },
  dossiersEvidence: {
    entry: 'functions/dossiers/evidence.ts',
    kind: 'http',
    description:
      'Dossier de preuve : ZIP (rapport PDF, documents, empreintes, piste d audit, projet de lettre) ecrit en flux dans le bucket',
    routes: [{ method: 'GET', path: '/v1/dossiers/{dossierId}/dossier-de-preuve', public: false }],
    // reads the documents, writes the ZIP under preuves/; streamed, so memory does not follow the dossier's size
    access: { table: 'read', bucket: 'readWrite' },
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  dossiersAct: {
    entry: 'functions/dossiers/actions.ts',
    kind: 'http',
    description: "Dossiers : actions des acteurs (valider, refuser, état d'acompte, suspendre, payer, signer le DG...)",
    routes: [{ method: 'POST', path: '/v1/dossiers/{dossierId}/actions', public: false }],
    access: { table: 'readWrite', bucket: 'read', stateMachines: 'startAndCallback' },
  },
  dossiersPieces: {
    entry: 'functions/dossiers/pieces.ts',
    kind: 'http',
    description:
      'Pièces : brouillons (création, modification, suppression), formulaires de dépôt des fichiers, retrait d un fichier, « Valider et envoyer »',
    routes: [
      { method: 'POST', path: '/v1/marches/{marcheId}/pieces', public: false },
      { method: 'POST', path: '/v1/dossiers/{dossierId}/pieces', public: false },
      { method: 'POST', path: '/v1/dossiers/{dossierId}/pieces/{pieceId}/fichiers', public: false },
      { method: 'POST', path: '/v1/dossiers/{dossierId}/pieces/{pieceId}/envoyer', public: false },
      { method: 'PATCH', path: '/v1/dossiers/{dossierId}/pieces/{pieceId}', public: false },
      { method: 'DELETE', path: '/v1/dossiers/{dossierId}/pieces/{pieceId}', public: false },
      { method: 'DELETE', path: '/v1/dossiers/{dossierId}/pieces/{pieceId}/fichiers/{fichierId}', public: false },
    ],
    access: { table: 'readWrite', bucket: 'readWriteDelete', stateMachines: 'startAndCallback' },
  },
} as const satisfies Record<string, LambdaDefinition>;
