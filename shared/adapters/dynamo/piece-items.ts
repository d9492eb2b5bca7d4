import * as z from 'zod/mini';
import type { CalendarDate } from '../../domain/calendar';
import { etatAcompteLignesSchema, montantsSchema } from '../../domain/circuits';
import type { FileRecord, PieceFile, PieceRecord } from '../../domain/pieces';
import type { Suggestions } from '../../domain/prefill';
import { ROLES } from '../../domain/roles';
import { keys } from './keys';

const FILE_STATUSES = ['ATTENDU', 'VERIFIE', 'REFUSE', 'EXPIRE', 'ANNULE', 'RETIRE'] as const;

/**
 * The items of a piece and its files, parsed at the adapter boundary (an item that does not match is a broken
 * record: it fails loudly rather than travelling up half-typed). Extra attributes (keys, index keys) are dropped.
 */
const refusal = z.object({ code: z.string(), message: z.string() });
const suggestions = z.custom<Suggestions>((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
const calendarDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)) as unknown as z.ZodMiniType<CalendarDate>;

const pieceItem = z.object({
  pieceId: z.string(),
  dossierId: z.string(),
  marcheId: z.string(),
  cadre: z.string(),
  numero: z.string(),
  status: z.enum(['BROUILLON', 'ENVOYEE']),
  depositorSiret: z.string(),
  depositorRole: z.enum(ROLES),
  newDossier: z.boolean(),
  montants: z.optional(montantsSchema),
  datePiece: z.optional(calendarDate),
  etatAcompte: z.optional(etatAcompteLignesSchema),
  addressee: z.optional(z.object({ siret: z.optional(z.string()), engagementJuridique: z.optional(z.string()) })),
  reservedBytes: z.number(),
  fileCount: z.number(),
  mainFileId: z.optional(z.string()),
  lastRefusal: z.optional(z.extend(refusal, { fileId: z.string(), at: z.string() })),
  certificat: z.optional(z.string()),
  sentAt: z.optional(z.string()),
  createdAt: z.string(),
  createdBy: z.string(),
  version: z.optional(z.number()),
});

const fileItem = z.object({
  fileId: z.string(),
  dossierId: z.string(),
  pieceId: z.string(),
  objectKey: z.string(),
  role: z.enum(['MAIN', 'ATTACHMENT']),
  fileName: z.string(),
  status: z.enum(FILE_STATUSES),
  declaredSize: z.number(),
  contentType: z.string(),
  declaredContentType: z.optional(z.string()),
  declaredSha256: z.optional(z.string()),
  createdAt: z.string(),
  expiresAt: z.string(),
  size: z.optional(z.number()),
  sha256: z.optional(z.string()),
  mime: z.optional(z.string()),
  pageCount: z.optional(z.number()),
  versionId: z.optional(z.string()),
  verifiedAt: z.optional(z.string()),
  suggestions: z.optional(suggestions),
  refusal: z.optional(refusal),
  supplement: z.optional(z.boolean()),
  removedAt: z.optional(z.string()),
  removedBy: z.optional(z.string()),
  removedFrom: z.optional(z.enum(FILE_STATUSES)),
});

const uploadMapping = z.object({ dossierId: z.string(), pieceId: z.string(), fileId: z.string() });

export function parsePiece(item: Record<string, unknown>): PieceRecord {
  return withoutUndefined(pieceItem.parse(item)) as PieceRecord;
}

export function parseFile(item: Record<string, unknown>): PieceFile {
  return withoutUndefined(fileItem.parse(item)) as PieceFile;
}

/** The piece `pieceId` among the items of its dossier's partition (`DossierStore.partition`), if there. */
export function pieceAmong(items: readonly Record<string, unknown>[], pieceId: string): PieceRecord | undefined {
  const sk = keys.piece('', pieceId).sk;
  const item = items.find((i) => i.sk === sk);
  return item ? parsePiece(item) : undefined;
}

/** The files of the piece `pieceId` among the items of its dossier's partition. */
export function filesAmong(items: readonly Record<string, unknown>[], pieceId: string): PieceFile[] {
  const prefix = keys.pieceFile('', pieceId, '').sk;
  return items.filter((i) => String(i.sk).startsWith(prefix)).map(parseFile);
}

export function parseUploadMapping(item: Record<string, unknown>): z.output<typeof uploadMapping> {
  return uploadMapping.parse(item);
}

/** What a file says of itself to the depositor (not where it is stored). */
export function toFileRecord(file: PieceFile): FileRecord {
  const { dossierId: _d, pieceId: _p, objectKey: _k, ...record } = file;
  return record;
}

/** Optional attributes absent from the item stay absent (not `undefined` keys) in the record. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
