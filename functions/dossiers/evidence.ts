import * as z from 'zod';
import { evidencePackRetentionDays } from '../../shared/adapters/s3';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { actingHeaders, dossierId, STRUCTURE_HEADER } from '../../shared/schemas/pieces';
import { buildEvidencePack } from '../../shared/services/evidence/pack';
import { installDocumentObjects } from '../../shared/services/infrastructure';
import { s3DocumentObjects, storageOf } from '../../shared/services/pieces/storage';
import { infrastructure } from '../../shared/services/wiring';
import { lireCertificatDepot } from './certificate-read';
import { actorToRead, asUnknownDossier, readServices } from './support';

// Reads the stored documents (and the certificate's piece)
installDocumentObjects(s3DocumentObjects);

/**
 * GET /v1/dossiers/{id}/dossier-de-preuve (docs/evidence-pack.md): builds the ZIP from what the table and the bucket
 * hold now, streamed into the bucket, and answers a presigned link to it. Readable by the parties of the marché.
 */
const preuveJson = z
  .object({
    dossierId: z.string(),
    url: z.string().meta({ description: 'Lien de téléchargement du ZIP (15 minutes).' }),
    expireLe: z.iso.datetime({ offset: true }),
    documents: z.int().min(0).meta({ description: 'Nombre de documents joints.' }),
    documentsConformes: z
      .boolean()
      .meta({ description: 'Chaque document a encore l’empreinte SHA-256 enregistrée à son dépôt.' }),
    pisteIntegre: z.boolean().meta({ description: 'La piste d’audit chaînée se vérifie de bout en bout.' }),
  })
  .meta({ id: 'DossierDePreuve' });

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
    const infra = infrastructure();
    const pack = await buildEvidencePack(
      {
        dossiers: svc.dossiers,
        s3: storageOf(infra),
        bucket: infra.bucketName,
        clock: infra.clock,
        retentionDays: evidencePackRetentionDays(),
      },
      record,
      marche,
    );
    return ok({
      dossierId: record.dossierId,
      url: pack.url,
      expireLe: pack.expiresAt.toISOString(),
      documents: pack.documents.length,
      documentsConformes: pack.documents.every((d) => d.matchesRecord !== false),
      pisteIntegre: pack.trailOk,
    });
  },
});

export const handler = route(routesOf(lireDossierDePreuve, lireCertificatDepot));
