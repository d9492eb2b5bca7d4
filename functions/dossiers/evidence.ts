import * as z from 'zod/mini';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { withMeta } from '../../shared/schemas/meta';
import { actingHeaders, dossierId, STRUCTURE_HEADER } from '../../shared/schemas/pieces';
import { evidenceBuilder } from '../../shared/services/evidence/builder';
import { lireCertificatDepot } from './certificate-read';
import { actorToRead, asUnknownDossier, readServices } from './support';

/**
 * GET /v1/dossiers/{id}/dossier-de-preuve (docs/evidence-pack.md): builds the ZIP from what the table and the bucket
 * hold now, streamed into the bucket, and answers a presigned link to it. Readable by the parties of the marché.
 *
 * This function authorizes the caller; the building (pdf-lib, the S3 client that streams the ZIP) is the worker's,
 * `dossiersEvidenceBuild` (functions/dossiers/evidence-build.ts), asked through `evidenceBuilder()`: its answer is
 * this function's (docs/evidence-pack.md#where-it-is-built, issue 16).
 */
const preuveJson = withMeta(
  z.object({
    dossierId: z.string(),
    url: withMeta(z.string(), { description: 'Lien de téléchargement du ZIP (15 minutes).' }),
    expireLe: z.iso.datetime({ offset: true }),
    documents: withMeta(z.int().check(z.gte(0)), { description: 'Nombre de documents joints.' }),
    documentsConformes: withMeta(z.boolean(), {
      description: 'Chaque document a encore l’empreinte SHA-256 enregistrée à son dépôt.',
    }),
    pisteIntegre: withMeta(z.boolean(), { description: 'La piste d’audit chaînée se vérifie de bout en bout.' }),
  }),
  { id: 'DossierDePreuve' },
);

export const lireDossierDePreuve = httpHandler({
  operationId: 'lireDossierDePreuve',
  summary: 'Dossier de preuve : rapport PDF, documents, empreintes, piste d’audit, projet de lettre (ZIP)',
  description:
    'Constitue le dossier de preuve à partir de ce que la plateforme conserve à cet instant et renvoie un lien de téléchargement. Réservé aux parties du marché.',
  tags: ['Dossiers'],
  method: 'GET',
  path: '/v1/dossiers/{dossierId}/dossier-de-preuve',
  auth: 'user',
  params: z.object({ dossierId }),
  headers: actingHeaders,
  responses: { 200: { description: 'Le lien vers le ZIP', schema: preuveJson } },
  handler: async (ctx) => {
    const svc = readServices();
    const record = await svc.dossiers.load(ctx.params.dossierId);
    const marche = await svc.marche(record.marcheId);
    await actorToRead(
      {
        userId: ctx.identity.userId,
        actingSiret: ctx.headers[STRUCTURE_HEADER],
        hidden: asUnknownDossier(ctx.params.dossierId),
      },
      marche,
    );
    return ok(await evidenceBuilder().pack(record.dossierId));
  },
});

export const handler = route(routesOf(lireDossierDePreuve, lireCertificatDepot));
