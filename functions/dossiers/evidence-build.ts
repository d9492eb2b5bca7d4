import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { invocationLogger, runWithLogger } from '../../shared/adapters/logger';
import { evidencePackRetentionDays } from '../../shared/adapters/s3';
import { isDomainError } from '../../shared/domain/errors';
import {
  type CertificateAnswer,
  type EvidencePackAnswer,
  type EvidenceReply,
  refusalOf,
} from '../../shared/services/evidence/builder';
import { buildEvidencePack } from '../../shared/services/evidence/pack';
import { installDocumentObjects } from '../../shared/services/infrastructure';
import { certificatePdf } from '../../shared/services/pieces/certificate';
import { s3DocumentObjects, storageOf } from '../../shared/services/pieces/storage';
import { infrastructure } from '../../shared/services/wiring';
import { readServices } from './support';

// Reads the stored documents into the pack (and the certificate's piece)
installDocumentObjects(s3DocumentObjects);

/**
 * The worker of the dossier de preuve (docs/evidence-pack.md#where-it-is-built): builds the ZIP (streamed into the
 * bucket) or a deposit certificate's PDF for the evidence API function (functions/dossiers/evidence.ts), which
 * holds neither pdf-lib nor the S3 client. It is invoked only by that function (its `access.invokes`, the only
 * grant of lambda:InvokeFunction on it), which has authorized the caller already: no authorization here.
 *
 * A refusal of a rule (PIECE_NON_ENVOYEE…) is answered as a value (`EvidenceReply`), so that the API answers the
 * same problem as when it built the document itself; anything else is thrown (a function error: the API answers
 * as for any internal failure).
 */
const request = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pack'), dossierId: z.string().check(z.minLength(1)) }),
  z.object({
    kind: z.literal('certificat'),
    dossierId: z.string().check(z.minLength(1)),
    pieceId: z.string().check(z.minLength(1)),
  }),
]);

export async function handler(
  event: unknown,
  context?: Context,
): Promise<EvidenceReply<EvidencePackAnswer | CertificateAnswer>> {
  const input = request.parse(event);
  const logger = invocationLogger({
    operation: `dossiersEvidenceBuild.${input.kind}`,
    correlationId: context?.awsRequestId ?? input.dossierId,
    ...(context?.awsRequestId ? { context } : {}),
    keys: { dossierId: input.dossierId },
  });
  return runWithLogger(logger, async () => {
    try {
      return { ok: input.kind === 'pack' ? await pack(input.dossierId) : await certificate(input) };
    } catch (e) {
      if (isDomainError(e)) return { refusal: refusalOf(e) };
      logger.warn('dossier de preuve : construction en échec', { error: e as Error, kind: input.kind });
      throw e;
    }
  });
}

/** What GET …/dossier-de-preuve answers, once the caller is authorized. */
async function pack(dossierId: string): Promise<EvidencePackAnswer> {
  const svc = readServices();
  const record = await svc.dossiers.load(dossierId);
  const marche = await svc.marche(record.marcheId);
  const infra = infrastructure();
  const built = await buildEvidencePack(
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
  return {
    dossierId: record.dossierId,
    url: built.url,
    expireLe: built.expiresAt.toISOString(),
    documents: built.documents.length,
    documentsConformes: built.documents.every((d) => d.matchesRecord !== false),
    pisteIntegre: built.trailOk,
  };
}

/** What GET …/pieces/{pieceId}/certificat answers, once the caller may read the piece. */
async function certificate(ids: { dossierId: string; pieceId: string }): Promise<CertificateAnswer> {
  const svc = readServices();
  const draft = await svc.pieces.getDraft(ids.dossierId, ids.pieceId);
  const pdf = await certificatePdf(draft, await svc.marche(draft.marcheId));
  return { pdfBase64: Buffer.from(pdf).toString('base64'), fileName: `certificat-${draft.certificat}.pdf` };
}
