import * as z from 'zod';
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
const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/) as unknown as z.ZodType<CalendarDate>;

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
  montants: montantsSchema.optional(),
  datePiece: calendarDate.optional(),
  etatAcompte: etatAcompteLignesSchema.optional(),
  addressee: z.object({ siret: z.string().optional(), engagementJuridique: z.string().optional() }).optional(),
  reservedBytes: z.number(),
  fileCount: z.number(),
  mainFileId: z.string().optional(),
  lastRefusal: refusal.extend({ fileId: z.string(), at: z.string() }).optional(),
  certificat: z.string().optional(),
  sentAt: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  version: z.number().optional(),
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
  declaredContentType: z.string().optional(),
  declaredSha256: z.string().optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
  size: z.number().optional(),
  sha256: z.string().optional(),
  mime: z.string().optional(),
  pageCount: z.number().optional(),
  versionId: z.string().optional(),
  verifiedAt: z.string().optional(),
  suggestions: suggestions.optional(),
  refusal: refusal.optional(),
  supplement: z.boolean().optional(),
  removedAt: z.string().optional(),
  removedBy: z.string().optional(),
  removedFrom: z.enum(FILE_STATUSES).optional(),
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
