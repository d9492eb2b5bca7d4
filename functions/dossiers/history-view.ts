import type * as z from 'zod/mini';
import type { ChainedEvent, TrailVerification } from '../../shared/adapters/audit';
import type { historiqueOutput } from '../../shared/schemas/history';
import type { StoredFileCheck } from '../../shared/services/pieces';
import { evenementJson } from './views';

type Out<S extends z.ZodMiniType> = z.output<S>;

/** The audit trail as the API answers it: every event with its hashes, the chain's check, the files' check. */
export function historiqueJson(
  dossierId: string,
  events: readonly ChainedEvent[],
  check: TrailVerification,
  files?: readonly StoredFileCheck[],
): Out<typeof historiqueOutput> {
  return {
    dossierId,
    evenements: events.map((e) => ({ ...evenementJson(e), empreintePrecedente: e.prevHash, empreinte: e.hash })),
    verification: {
      ...(check.ok
        ? { integre: true, longueur: check.length, derniereEmpreinte: check.lastHash }
        : { integre: false, rompuAuSeq: check.brokenAtSeq, raison: check.reason }),
      ...(files ? { fichiersIntegres: files.every((f) => f.ok) } : {}),
    },
    ...(files
      ? {
          fichiers: files.map((f) => ({
            pieceId: f.pieceId,
            fichierId: f.fileId,
            nom: f.fileName,
            ...(f.versionId ? { version: f.versionId } : {}),
            empreinteEnregistree: f.recordedSha256,
            ...(f.storedSha256 ? { empreinteStockee: f.storedSha256 } : {}),
            integre: f.ok,
            ...(f.reason ? { raison: f.reason } : {}),
          })),
        }
      : {}),
  };
}
