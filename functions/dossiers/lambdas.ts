import { httpRoutes, type LambdaDefinition } from '../lambda-definition';
import { handler as actionsHandler } from './actions';
import { handler as evidenceHandler } from './evidence';
import { handler as historyHandler } from './history';
import { handler as piecesHandler } from './pieces';
import { handler as readHandler } from './read';
import { handler as searchHandler } from './search';

/**
 * Lambda functions of the dossiers and their pieces; merged into LAMBDAS by functions/registry.ts. One function per
 * resource group, `route()` (shared/http/router.ts) dispatching on the route key inside. Each function's routes are
 * read from the handler its entry exports (`httpRoutes`): to move an operation to another function, move its name
 * from one entry's `routesOf(…)` list to the other's, and nothing here changes.
 *
 * Descriptions stay in Latin-1: they become IAM role descriptions, which refuse ’ and ….
 *
 * Access, least privilege:
 * - dossiersRead writes nothing (GETs are not idempotent-recorded); `bucket: 'read'` because a presigned GET link is
 *   executed with the signing role's rights (signed without the S3 client: its bundle leaves the client out).
 * - dossiersAudit reads the audit trail and, on demand, every stored file of the dossier again (bucket read).
 * - dossiersAct writes the dossier (and idempotency records), sends piece drafts (which looks up awaited objects:
 *   bucket read), starts / releases the dossier's execution.
 * - dossiersEvidence authorizes the caller and invokes dossiersEvidenceBuild (a `worker`: pdf-lib and the S3 client
 *   that streams the ZIP), which reads the documents and writes the pack under preuves/ (issue 16: the API
 *   function's bundle stays under 500 KB).
 * - dossiersPieces also issues presigned POST forms (executed with its rights: PutObject) and deletes a deleted
 *   draft's objects.
 */
export const DOSSIER_LAMBDAS = {
  dossiersRead: {
    entry: 'functions/dossiers/read.ts',
    kind: 'http',
    description:
      'Dossiers : lecture, liste par marché, délai global de paiement, pièces, brouillons, cadres déposables, liens de téléchargement',
    routes: httpRoutes(readHandler),
    access: { table: 'read', bucket: 'read' },
  },
  dossiersAudit: {
    entry: 'functions/dossiers/history.ts',
    kind: 'http',
    description: "Dossiers : piste d'audit chainee et verification des fichiers conserves",
    routes: httpRoutes(historyHandler),
    access: { table: 'read', bucket: 'read' },
  },
  dossiersSearch: {
    entry: 'functions/dossiers/search.ts',
    kind: 'http',
    description: 'Rechercher : les dossiers de ma structure sur tous ses marches, par criteres, page par page',
    routes: httpRoutes(searchHandler),
    access: { table: 'read' },
  },
  dossiersEvidence: {
    entry: 'functions/dossiers/evidence.ts',
    kind: 'http',
    description:
      'Dossier de preuve et certificats de depot : autorise l appelant, puis fait construire le ZIP ou le PDF par dossiersEvidenceBuild',
    routes: httpRoutes(evidenceHandler),
    // authorizes (table read; `bucket: 'read'` as dossiersRead: the piece reads it authorizes with are built with the
    // bucket, BUCKET_NAME), then waits for the worker, whose timeout it keeps; writes nothing itself
    access: { table: 'read', bucket: 'read', invokes: ['dossiersEvidenceBuild'] },
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  dossiersEvidenceBuild: {
    entry: 'functions/dossiers/evidence-build.ts',
    kind: 'worker',
    description:
      'Dossier de preuve : ZIP (rapport PDF, documents, empreintes, piste d audit, projet de lettre) ecrit en flux dans le bucket ; certificats de depot (PDF). Invoque par dossiersEvidence seulement',
    // reads the documents, writes the ZIP under preuves/ only; streamed, so memory does not follow the dossier's size
    access: { table: 'read', bucket: 'readWritePacks' },
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  dossiersAct: {
    entry: 'functions/dossiers/actions.ts',
    kind: 'http',
    description: "Dossiers : actions des acteurs (valider, refuser, état d'acompte, suspendre, payer, signer le DG...)",
    routes: httpRoutes(actionsHandler),
    access: { table: 'readWrite', bucket: 'read', stateMachines: 'startAndCallback' },
  },
  dossiersPieces: {
    entry: 'functions/dossiers/pieces.ts',
    kind: 'http',
    description:
      'Pièces : brouillons (création, modification, suppression), formulaires de dépôt des fichiers, retrait d un fichier, « Valider et envoyer »',
    routes: httpRoutes(piecesHandler),
    access: { table: 'readWrite', bucket: 'readWriteDelete', stateMachines: 'startAndCallback' },
  },
} as const satisfies Record<string, LambdaDefinition>;
