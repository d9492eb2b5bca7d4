import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../adapters/clock';
import { ExtraItemConflict } from '../adapters/dynamo/dossier-store';
import { keys } from '../adapters/dynamo/keys';
import { newId } from '../adapters/ids';
import { presignDownload, presignUploadForm, sha256Base64ToHex } from '../adapters/s3';
import { MIME_BY_EXTENSION } from '../documents/sniff';
import { type RefusedDocument, type VerifyDocumentResult, verifyDocument } from '../documents/verify';
import { assertCadreAllowed, type Cadre, cadreByCode } from '../domain/cadres';
import { type CalendarDate, isCalendarDate } from '../domain/calendar';
import { type Action, CADRES_NON_GERES, type CadreCode, type Montants, OPENING_CADRES } from '../domain/circuits';
import { MAX_FILE_BYTES, MAX_PIECE_BYTES, validateFileName, validatePieceNumber } from '../domain/documents';
import { DomainError } from '../domain/errors';
import type { Marche } from '../domain/marche';
import { assertCents } from '../domain/money';
import type { Suggestions } from '../domain/prefill';
import type { Role } from '../domain/roles';
import type { ActResult, DossierService } from './dossier-service';

/**
 * Pieces before they enter a circuit (DOMAIN.md §8; ARCHITECTURE.md "How a dossier flows" 1–3): the draft
 * (`BROUILLON`) and its number claim, the upload forms (presigned POST, size reserved on the piece first), the
 * verification of each uploaded object (S3 ObjectCreated), the download links, and "Valider et envoyer", which hands
 * the piece to the circuit through `DossierService.act` in the same transaction as the piece becoming `ENVOYEE`.
 *
 * Items (single table, `shared/adapters/dynamo/keys.ts`):
 * - `keys.piece(dossierId, pieceId)`: the piece; `reservedBytes` = declared size of the files awaited + real size of
 *   the files verified, never above 120 MB (every change is a conditional write); `fileCount`, `mainFileId`.
 * - `keys.pieceFile(dossierId, pieceId, fileId)`: one per upload form: ATTENDU → VERIFIE | REFUSE | EXPIRE | ANNULE.
 * - `keys.uploadKey(objectKey)`: object key → (dossier, piece, file); keys are random and hold no user input.
 * - `keys.uniquePieceNumber(siret, numero)`: the depositor's number claim, released when a draft is deleted.
 */

/** 10 MB per file, 120 MB per piece (DOMAIN.md §8). */
export { MAX_FILE_BYTES, MAX_PIECE_BYTES };
/** Lifetime of an upload form: short, the browser posts right away (ARCHITECTURE.md "How a dossier flows" 1). */
export const UPLOAD_FORM_TTL_SECONDS = 300;
/**
 * *(assumption)* A reservation is released this long after its form expired: S3 checks the policy when the POST
 * starts, so a 10 MB upload begun just before the expiry may still land, and its event arrive, a little later.
 */
export const RESERVATION_GRACE_SECONDS = 900;
/** Lifetime of a download link. */
export const DOWNLOAD_URL_TTL_SECONDS = 300;
/** *(assumption)* Files per piece (main + attachments); keeps "Valider et envoyer" within one transaction. */
export const MAX_FILES_PER_PIECE = 40;

export type PieceStatus = 'BROUILLON' | 'ENVOYEE';
export type FileRole = 'MAIN' | 'ATTACHMENT';
/** ATTENDU: form issued, object awaited; then verified, refused, expired unused, or cancelled (draft sent/deleted). */
export type FileStatus = 'ATTENDU' | 'VERIFIE' | 'REFUSE' | 'EXPIRE' | 'ANNULE';

export interface PieceActor {
  readonly siret: string;
  readonly roles: readonly Role[];
}

export interface FileRefusal {
  readonly code: string;
  /** French, names the file and the fault ("Le fichier plan.pdf n'est pas un PDF …"). */
  readonly message: string;
}

export interface FileRecord {
  readonly fileId: string;
  readonly role: FileRole;
  readonly fileName: string;
  readonly status: FileStatus;
  readonly declaredSize: number;
  /** Content-Type fixed by the form (from the extension), stored on the object. */
  readonly contentType: string;
  readonly declaredContentType?: string;
  readonly declaredSha256?: string;
  readonly createdAt: string;
  /** When the upload form expires. */
  readonly expiresAt: string;
  /** Verified files: real size, SHA-256 (hex), type read from the content, object version. */
  readonly size?: number;
  readonly sha256?: string;
  readonly mime?: string;
  readonly pageCount?: number;
  readonly versionId?: string;
  readonly verifiedAt?: string;
  /** Main text PDF: what the first, penultimate and last pages suggest; the depositor confirms (DOMAIN.md §8). */
  readonly suggestions?: Suggestions;
  readonly refusal?: FileRefusal;
}

export interface DraftPiece {
  readonly pieceId: string;
  readonly dossierId: string;
  readonly marcheId: string;
  readonly cadre: string;
  readonly numero: string;
  readonly status: PieceStatus;
  readonly depositorSiret: string;
  readonly depositorRole: Role;
  /** First piece of a new dossier (its dossier exists once the piece is sent). */
  readonly newDossier: boolean;
  readonly montants?: Montants;
  readonly datePiece?: CalendarDate;
  readonly files: FileRecord[];
  readonly reservedBytes: number;
  readonly maxBytes: number;
  /** Suggestions read in the verified main file, never applied by themselves. */
  readonly suggestions?: Suggestions;
  /** The last refused file, in French, for the draft screen. */
  readonly lastRefusal?: FileRefusal & { readonly fileId: string; readonly at: string };
  readonly certificat?: string;
  readonly sentAt?: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface CreateDraftInput {
  readonly actor: PieceActor;
  readonly userId: string;
  readonly marche: Marche;
  /** Absent: first piece of a new dossier. */
  readonly dossierId?: string;
  readonly cadre: string;
  readonly numero: string;
  readonly montants?: Montants;
  readonly datePiece?: CalendarDate | string;
}

export interface UploadFormInput {
  readonly actor: PieceActor;
  readonly dossierId: string;
  readonly pieceId: string;
  readonly fileName: string;
  /** Declared size in bytes: reserved on the piece; the form accepts 1 byte up to it. */
  readonly size: number;
  /** What the browser says; recorded only, the form fixes the type of the extension. */
  readonly contentType?: string;
  readonly role: FileRole;
  /**
   * SHA-256 of the file, lowercase hex, computed by the browser (`crypto.subtle.digest`). When given, the form fixes
   * it and S3 refuses other bytes; without it the browser must add the `x-amz-checksum-sha256` field itself (the
   * locked bucket requires a checksum on every upload: see docs on retention).
   */
  readonly sha256?: string;
}

export interface UploadFormResult {
  readonly fileId: string;
  readonly url: string;
  readonly fields: Record<string, string>;
  /** ISO instant. */
  readonly expiresAt: string;
  readonly maxBytes: number;
}

/** Follow-up actions that deposit a piece (DOMAIN.md §4–5); the circuit checks the rest. */
export const FOLLOW_UP_ACTION_TYPES = [
  'DEPOSER_ETAT_ACOMPTE',
  'VALIDER_ETAT_ACOMPTE',
  'DEPOSER_ETAT_ACOMPTE_VALIDE',
  'DEPOSER_PROJET_DECOMPTE_GENERAL',
  'NOTIFIER_DECOMPTE_GENERAL',
  'SIGNER_DG',
  'SIGNER_DG_AVEC_RESERVES',
  'DEPOSER_PROJET_DG_TACITE',
  'DEPOSER_DGD_TACITE',
] as const;
export type FollowUpActionType = (typeof FOLLOW_UP_ACTION_TYPES)[number];

/** The action's own fields; `piece` is filled from the draft. */
export interface SendActionFields {
  readonly type?: 'DEPOSER' | FollowUpActionType;
  readonly [field: string]: unknown;
}

export interface SendInput {
  /** The user sending, and the structure it acts for when it could act for several: authorized by `decide`. */
  readonly userId: string;
  readonly actingSiret?: string;
  readonly dossierId: string;
  readonly pieceId: string;
  /** If-Match of a follow-up piece (the dossier version read). */
  readonly expectedVersion?: number;
  readonly action?: SendActionFields;
}

export interface SendResult {
  readonly certificat: string;
  readonly message: string;
  readonly dossier: ActResult;
}

export type VerificationOutcome =
  | { readonly outcome: 'VERIFIE'; readonly fileId: string; readonly sha256: string }
  | { readonly outcome: 'REFUSE'; readonly fileId: string; readonly refusal: FileRefusal }
  | { readonly outcome: 'IGNORE'; readonly reason: string };

export interface PieceServiceDeps {
  readonly dossiers: DossierService;
  readonly s3: S3Client;
  readonly clock: Clock;
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  readonly bucket: string;
  readonly uploadPrefix: string;
  /** Pause between retries of a write that met a concurrent transaction (default: a few random milliseconds). */
  readonly backoff?: (attempt: number) => Promise<void>;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

interface PieceItem {
  readonly pieceId: string;
  readonly dossierId: string;
  readonly marcheId: string;
  readonly cadre: CadreCode;
  readonly numero: string;
  readonly status: PieceStatus;
  readonly depositorSiret: string;
  readonly depositorRole: Role;
  readonly newDossier: boolean;
  readonly montants?: Montants;
  readonly datePiece?: CalendarDate;
  readonly reservedBytes: number;
  readonly fileCount: number;
  readonly mainFileId?: string;
  readonly lastRefusal?: DraftPiece['lastRefusal'];
  readonly certificat?: string;
  readonly sentAt?: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

interface FileItem extends FileRecord {
  readonly dossierId: string;
  readonly pieceId: string;
  readonly objectKey: string;
}

const CONFLICT_ATTEMPTS = 25;
const SENTENCE = (numero: string) =>
  `La pièce n° ${numero} est validée, elle est en cours de transmission au service concerné`;

/** Every works piece is a décompte, an état d'acompte or an invoice: its main file is a native text PDF (DOMAIN.md §8). */
export function mainFileMustBeTextPdf(_cadre?: Cadre | string): boolean {
  return true;
}

function isConflict(e: unknown): boolean {
  if (e instanceof TransactionCanceledException) {
    return (e.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
  }
  return (e as { name?: string })?.name === 'TransactionConflictException';
}

function conditionFailedAt(e: unknown, index: number): boolean {
  return e instanceof TransactionCanceledException && e.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';
}

function anyConditionFailed(e: unknown): boolean {
  return (
    e instanceof TransactionCanceledException &&
    (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')
  );
}

const defaultBackoff = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1).replace('.', ',');
}

function toFileRecord(item: FileItem): FileRecord {
  const { dossierId: _d, pieceId: _p, objectKey: _k, ...rest } = item as FileItem & Record<string, unknown>;
  delete (rest as Record<string, unknown>).pk;
  delete (rest as Record<string, unknown>).sk;
  delete (rest as Record<string, unknown>).entity;
  return rest as FileRecord;
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e instanceof NotFound || err?.name === 'NoSuchKey' || err?.$metadata?.httpStatusCode === 404;
}

export class PieceService {
  private readonly clock: Clock;
  private readonly backoff: (attempt: number) => Promise<void>;

  constructor(private readonly deps: PieceServiceDeps) {
    this.clock = deps.clock;
    this.backoff = deps.backoff ?? defaultBackoff;
  }

  private get db(): DynamoDBDocumentClient {
    return this.deps.db;
  }
  private get table(): string {
    return this.deps.table;
  }
  private get s3(): S3Client {
    return this.deps.s3;
  }
  private get bucket(): string {
    return this.deps.bucket;
  }
  private get prefix(): string {
    return this.deps.uploadPrefix;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Drafts

  /** A draft piece, its number claimed for the depositor in the same transaction (DOMAIN.md §8). */
  async createDraft(input: CreateDraftInput): Promise<DraftPiece> {
    const now = this.clock.now();
    // DOMAIN.md §8: piece numbers 1–35 characters, refused characters named
    const numero = validatePieceNumber(input.numero);
    if (!numero.ok) throw numero.error;
    const { cadre, role } = this.checkCadre(input);
    const montants = input.montants === undefined ? undefined : checkMontants(input.montants);
    const datePiece = input.datePiece === undefined ? undefined : checkDate(input.datePiece);

    let dossierId = input.dossierId;
    if (dossierId !== undefined) {
      const record = await this.deps.dossiers.find(dossierId);
      if (!record) throw new DomainError('DOSSIER_INCONNU', `Le dossier ${dossierId} n'existe pas.`, 'NOT_FOUND');
      if (record.marcheId !== input.marche.id) {
        const message = `Le dossier ${dossierId} relève d'un autre marché que ${input.marche.numeroMarche}.`;
        throw new DomainError('DOSSIER_D_UN_AUTRE_MARCHE', message, 'INVALID', [{ path: 'dossierId', message }]);
      }
    } else {
      dossierId = `DOS-${newId(now)}`;
    }
    const pieceId = `PCE-${newId(now)}`;
    const createdAt = now.toISOString();
    const piece: PieceItem = {
      pieceId,
      dossierId,
      marcheId: input.marche.id,
      cadre: cadre.code as CadreCode,
      numero: numero.value,
      status: 'BROUILLON',
      depositorSiret: input.actor.siret,
      depositorRole: role,
      newDossier: input.dossierId === undefined,
      montants,
      datePiece,
      reservedBytes: 0,
      fileCount: 0,
      createdAt,
      createdBy: input.userId,
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...keys.uniquePieceNumber(input.actor.siret, numero.value),
                  entity: 'UNIQ_PIECE',
                  numero: numero.value,
                  pieceId,
                  dossierId,
                  createdAt,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.piece(dossierId, pieceId), entity: 'PIECE', ...piece, ...draftIndex(piece) },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (e) {
      if (conditionFailedAt(e, 0)) {
        // DOMAIN.md §8: piece numbers are unique per depositing structure
        const message = `Le numéro de pièce ${numero.value} est déjà utilisé par votre structure : choisissez-en un autre.`;
        throw new DomainError('NUMERO_PIECE_DEJA_UTILISE', message, 'CONFLICT', [{ path: 'numero', message }]);
      }
      throw e;
    }
    return this.toDraft(piece, []);
  }

  /** The piece with its files (every upload form and its outcome). */
  async getDraft(dossierId: string, pieceId: string): Promise<DraftPiece> {
    const [piece, files] = await Promise.all([this.loadPiece(dossierId, pieceId), this.loadFiles(dossierId, pieceId)]);
    if (!piece) throw unknownPiece(pieceId);
    return this.toDraft(piece, files);
  }

  /** The drafts of a structure, newest first (GSI2; drafts leave the index when sent). */
  async listDrafts(siret: string, limit = 50): Promise<DraftPiece[]> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'GSI2',
        KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :p)',
        ExpressionAttributeValues: { ':pk': `STRUCT#${siret}`, ':p': 'BROUILLON#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((i) => this.toDraft(i as unknown as PieceItem, []));
  }

  /** The depositor confirms or corrects amounts and date (e.g. from the suggestions) while the piece is a draft. */
  async updateDraft(input: {
    readonly actor: PieceActor;
    readonly dossierId: string;
    readonly pieceId: string;
    readonly montants?: Montants;
    readonly datePiece?: CalendarDate | string;
  }): Promise<DraftPiece> {
    const sets: string[] = ['updatedAt = :now'];
    const values: Record<string, unknown> = {
      ':now': this.clock.now().toISOString(),
      ':brouillon': 'BROUILLON',
      ':siret': input.actor.siret,
    };
    if (input.montants !== undefined) {
      sets.push('montants = :m');
      values[':m'] = checkMontants(input.montants);
    }
    if (input.datePiece !== undefined) {
      sets.push('datePiece = :d');
      values[':d'] = checkDate(input.datePiece);
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.piece(input.dossierId, input.pieceId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND #status = :brouillon AND depositorSiret = :siret',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') {
        await this.explainDraftRefusal(input.actor, input.dossierId, input.pieceId);
      }
      throw e;
    }
    return this.getDraft(input.dossierId, input.pieceId);
  }

  /** Deletes a draft and releases its number (its uploaded objects are deleted too). */
  async deleteDraft(input: { readonly actor: PieceActor; readonly dossierId: string; readonly pieceId: string }) {
    const piece = await this.requireDraftOf(input.actor, input.dossierId, input.pieceId);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: keys.piece(input.dossierId, input.pieceId),
                ConditionExpression: '#status = :brouillon AND depositorSiret = :siret',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':brouillon': 'BROUILLON', ':siret': input.actor.siret },
              },
            },
            {
              Delete: {
                TableName: this.table,
                Key: keys.uniquePieceNumber(piece.depositorSiret, piece.numero),
                ConditionExpression: 'pieceId = :pid',
                ExpressionAttributeValues: { ':pid': piece.pieceId },
              },
            },
          ],
        }),
      );
    } catch (e) {
      if (conditionFailedAt(e, 0)) await this.explainDraftRefusal(input.actor, input.dossierId, input.pieceId);
      throw e;
    }
    const files = await this.loadFiles(input.dossierId, input.pieceId);
    for (const f of files) {
      if (f.status === 'ATTENDU' || f.status === 'VERIFIE') await this.deleteObject(f.objectKey);
    }
    // The upload mappings stay: a late upload finds no file and is deleted by the verification.
    for (let i = 0; i < files.length; i += 25) {
      await this.db.send(
        new BatchWriteCommand({
          RequestItems: {
            [this.table]: files.slice(i, i + 25).map((f) => ({
              DeleteRequest: { Key: keys.pieceFile(f.dossierId, f.pieceId, f.fileId) },
            })),
          },
        }),
      );
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Upload forms

  /**
   * One presigned POST form for one file of a draft. The declared size is reserved on the piece first, by a
   * conditional write that keeps the piece with its attachments at 120 MB at most whatever the concurrency
   * (DOMAIN.md §8); the form then accepts 1 byte up to that size, so storage itself enforces both limits.
   */
  async requestUploadForm(input: UploadFormInput): Promise<UploadFormResult> {
    const now = this.clock.now();
    // DOMAIN.md §8: file name ≤ 50 characters with an accepted extension
    const name = validateFileName(input.fileName);
    if (!name.ok) throw name.error;
    checkDeclaredSize(input.fileName, input.size);
    if (input.role !== 'MAIN' && input.role !== 'ATTACHMENT') {
      const message = 'Rôle du fichier attendu : MAIN (fichier principal) ou ATTACHMENT (pièce jointe).';
      throw new DomainError('ROLE_FICHIER_INVALIDE', message, 'INVALID', [{ path: 'role', message }]);
    }
    const sha256 = input.sha256 === undefined ? undefined : checkSha256(input.sha256);
    const piece = await this.requireDraftOf(input.actor, input.dossierId, input.pieceId);
    // DOMAIN.md §8: the main file of a décompte or an invoice is a native text PDF
    if (input.role === 'MAIN' && mainFileMustBeTextPdf(piece.cadre) && name.value.extension !== 'pdf') {
      const message = `Le fichier principal ${input.fileName} doit être un PDF texte (exporté depuis votre logiciel), pas un fichier .${name.value.extension}.`;
      throw new DomainError('FICHIER_PRINCIPAL_NON_PDF', message, 'INVALID', [{ path: 'nomFichier', message }]);
    }
    await this.releaseExpiredReservations(input.dossierId, input.pieceId);

    const fileId = `FIC-${newId(now)}`;
    // Random key, no user input (the name travels in the table and in the download's Content-Disposition)
    const objectKey = `${this.prefix}${randomBytes(20).toString('hex')}`;
    const contentType = MIME_BY_EXTENSION[name.value.extension];
    const expiresAt = new Date(now.getTime() + UPLOAD_FORM_TTL_SECONDS * 1000);
    const file: FileItem = {
      fileId,
      dossierId: input.dossierId,
      pieceId: input.pieceId,
      role: input.role,
      fileName: input.fileName,
      status: 'ATTENDU',
      declaredSize: input.size,
      contentType,
      declaredContentType: input.contentType?.slice(0, 200) || undefined,
      declaredSha256: sha256,
      objectKey,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    };
    await this.reserve(input.actor, file, now);
    try {
      const form = await presignUploadForm(
        this.s3,
        {
          bucket: this.bucket,
          key: objectKey,
          contentType,
          minBytes: 1,
          maxBytes: input.size,
          sha256,
          expiresInSeconds: UPLOAD_FORM_TTL_SECONDS,
        },
        this.clock,
      );
      return { fileId, url: form.url, fields: form.fields, expiresAt: expiresAt.toISOString(), maxBytes: input.size };
    } catch (e) {
      await this.releaseReservation(file, 'ANNULE').catch(() => undefined);
      throw e;
    }
  }

  /** Reserves the declared size on the piece and records the file and its object key, atomically. */
  private async reserve(actor: PieceActor, file: FileItem, now: Date): Promise<void> {
    const main = file.role === 'MAIN';
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table,
          Key: keys.piece(file.dossierId, file.pieceId),
          UpdateExpression: `SET reservedBytes = reservedBytes + :size, fileCount = fileCount + :one, updatedAt = :now${main ? ', mainFileId = :fid' : ''}`,
          ConditionExpression: `attribute_exists(pk) AND #status = :brouillon AND depositorSiret = :siret AND reservedBytes <= :room AND fileCount < :maxFiles${main ? ' AND attribute_not_exists(mainFileId)' : ''}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':size': file.declaredSize,
            ':one': 1,
            ':now': now.toISOString(),
            ':brouillon': 'BROUILLON',
            ':siret': actor.siret,
            // DOMAIN.md §8: 120 MB per piece with its attachments
            ':room': MAX_PIECE_BYTES - file.declaredSize,
            ':maxFiles': MAX_FILES_PER_PIECE,
            ...(main ? { ':fid': file.fileId } : {}),
          },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.pieceFile(file.dossierId, file.pieceId, file.fileId), entity: 'FILE', ...file },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...keys.uploadKey(file.objectKey),
            entity: 'UPLOAD',
            dossierId: file.dossierId,
            pieceId: file.pieceId,
            fileId: file.fileId,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    try {
      await this.transact(items);
    } catch (e) {
      if (conditionFailedAt(e, 0)) throw await this.explainReservationRefusal(actor, file);
      throw e;
    }
  }

  /** Why the piece refused a reservation, read back (consistent) after the conditional write failed. */
  private async explainReservationRefusal(actor: PieceActor, file: FileItem): Promise<DomainError> {
    const piece = await this.loadPiece(file.dossierId, file.pieceId);
    if (!piece) return unknownPiece(file.pieceId);
    if (piece.depositorSiret !== actor.siret) return notDepositor(piece);
    if (piece.status !== 'BROUILLON') return alreadySent(piece);
    if (file.role === 'MAIN' && piece.mainFileId) {
      const message = `La pièce n° ${piece.numero} a déjà un fichier principal : ajoutez ${file.fileName} en pièce jointe.`;
      return new DomainError('FICHIER_PRINCIPAL_DEJA_DEPOSE', message, 'CONFLICT', [{ path: 'role', message }]);
    }
    if (piece.fileCount >= MAX_FILES_PER_PIECE) {
      const message = `La pièce n° ${piece.numero} a déjà ${MAX_FILES_PER_PIECE} fichiers : regroupez vos pièces jointes (par exemple dans un .zip).`;
      return new DomainError('TROP_DE_FICHIERS', message, 'CONFLICT', [{ path: 'nomFichier', message }]);
    }
    const room = Math.max(0, MAX_PIECE_BYTES - piece.reservedBytes);
    // DOMAIN.md §8: 120 MB per piece with its attachments
    const message = `Le fichier ${file.fileName} (${mb(file.declaredSize)} Mo) dépasserait les ${mb(MAX_PIECE_BYTES)} Mo de la pièce n° ${piece.numero} avec ses pièces jointes : il reste ${mb(room)} Mo.`;
    return new DomainError('PIECE_TROP_VOLUMINEUSE', message, 'CONFLICT', [{ path: 'taille', message }]);
  }

  /**
   * Releases the reservations whose form expired unused (after a grace for uploads begun just before the expiry).
   * Called before every new reservation of the piece; returns the files released.
   */
  async releaseExpiredReservations(dossierId: string, pieceId: string): Promise<string[]> {
    const now = this.clock.now().getTime();
    const released: string[] = [];
    for (const f of await this.loadFiles(dossierId, pieceId)) {
      if (f.status !== 'ATTENDU') continue;
      if (Date.parse(f.expiresAt) + RESERVATION_GRACE_SECONDS * 1000 > now) continue;
      if (await this.releaseReservation(f, 'EXPIRE')) released.push(f.fileId);
    }
    return released;
  }

  /** ATTENDU → `status`, giving its declared size back to the piece. False when the file had moved on. */
  private async releaseReservation(file: FileItem, status: 'EXPIRE' | 'ANNULE'): Promise<boolean> {
    try {
      await this.transact([
        {
          Update: {
            TableName: this.table,
            Key: keys.pieceFile(file.dossierId, file.pieceId, file.fileId),
            UpdateExpression: 'SET #status = :to, releasedAt = :now',
            ConditionExpression: '#status = :attendu',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':to': status, ':attendu': 'ATTENDU', ':now': this.clock.now().toISOString() },
          },
        },
        this.pieceRelease(file),
      ]);
      return true;
    } catch (e) {
      if (anyConditionFailed(e)) return false;
      throw e;
    }
  }

  /** Gives a reserved file's declared size back to the piece (and its main-file slot). */
  private pieceRelease(file: FileItem, extra?: { set: string; values: Record<string, unknown> }): TransactItem {
    const main = file.role === 'MAIN';
    return {
      Update: {
        TableName: this.table,
        Key: keys.piece(file.dossierId, file.pieceId),
        UpdateExpression: `SET reservedBytes = reservedBytes - :size, fileCount = fileCount - :one${extra ? `, ${extra.set}` : ''}${main ? ' REMOVE mainFileId' : ''}`,
        ConditionExpression: main ? 'mainFileId = :fid' : 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':size': file.declaredSize,
          ':one': 1,
          ...(main ? { ':fid': file.fileId } : {}),
          ...extra?.values,
        },
      },
    };
  }

  // ------------------------------------------------------------------------------------------------------------
  // Verification (S3 ObjectCreated)

  /**
   * Verifies an uploaded object (ARCHITECTURE.md "How a dossier flows" 2): real size (HeadObject), type read from
   * the content against the extension, SHA-256, and for the main file a native text PDF with its pre-fill
   * suggestions. An accepted file is recorded with its hash; a refused one is deleted and the reason, in French,
   * recorded on the file and the piece. Idempotent: S3 may deliver an event twice.
   */
  async verifyUpload(object: { readonly key: string; readonly versionId?: string }): Promise<VerificationOutcome> {
    if (!object.key.startsWith(this.prefix)) return { outcome: 'IGNORE', reason: 'hors du préfixe de dépôt' };
    for (let attempt = 0; attempt < 5; attempt++) {
      const mapping = await this.get(keys.uploadKey(object.key));
      const file = mapping
        ? ((await this.get(
            keys.pieceFile(String(mapping.dossierId), String(mapping.pieceId), String(mapping.fileId)),
          )) as FileItem | undefined)
        : undefined;
      if (!file) {
        // Not from one of our forms, or its draft was deleted: nothing may stay
        await this.deleteObject(object.key);
        return { outcome: 'IGNORE', reason: 'objet sans formulaire de dépôt' };
      }
      if (file.status === 'VERIFIE') return { outcome: 'IGNORE', reason: 'déjà vérifié' };
      if (file.status === 'REFUSE' || file.status === 'ANNULE') {
        await this.deleteObject(object.key);
        return { outcome: 'IGNORE', reason: `fichier ${file.status === 'REFUSE' ? 'refusé' : 'annulé'}` };
      }
      const head = await this.head(object.key, object.versionId);
      if (!head) return { outcome: 'IGNORE', reason: 'objet absent' };
      const result = await this.inspect(file, object, head);
      try {
        if (result.ok) {
          await this.recordVerified(file, result, object.versionId ?? head.versionId);
          return { outcome: 'VERIFIE', fileId: file.fileId, sha256: result.sha256 };
        }
        await this.recordRefused(file, result);
        await this.deleteObject(object.key);
        return { outcome: 'REFUSE', fileId: file.fileId, refusal: { code: result.code, message: result.message } };
      } catch (e) {
        // The file changed in between (expired, cancelled by a send): read it again and decide anew
        if (conditionFailedAt(e, 0)) continue;
        if (!conditionFailedAt(e, 1)) throw e;
        const piece = await this.loadPiece(file.dossierId, file.pieceId);
        if (piece?.status !== 'BROUILLON') {
          await this.deleteObject(object.key);
          return { outcome: 'IGNORE', reason: piece ? 'pièce déjà envoyée' : 'pièce supprimée' };
        }
        if (result.ok && file.status === 'EXPIRE') {
          // Landed after its reservation was released, and the piece has no room left for it
          await this.recordRefused(file, lateUpload(file));
          await this.deleteObject(object.key);
          return { outcome: 'REFUSE', fileId: file.fileId, refusal: lateUpload(file) };
        }
      }
    }
    throw new Error(`verification of ${object.key} did not settle`);
  }

  private async head(
    key: string,
    versionId: string | undefined,
  ): Promise<{ size: number; versionId?: string; sha256?: string } | undefined> {
    try {
      const h = await this.s3.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }),
      );
      return {
        size: h.ContentLength ?? 0,
        versionId: h.VersionId ?? undefined,
        sha256: h.ChecksumSHA256 && !h.ChecksumSHA256.includes('-') ? sha256Base64ToHex(h.ChecksumSHA256) : undefined,
      };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private async inspect(
    file: FileItem,
    object: { key: string; versionId?: string },
    head: { size: number; sha256?: string },
  ): Promise<VerifyDocumentResult> {
    const refuse = (code: string, message: string): RefusedDocument => ({ ok: false, code, message });
    // DOMAIN.md §8: empty files are refused; 10 MB per file (the form's range already enforces both)
    if (head.size === 0)
      return refuse('FICHIER_VIDE', `Le fichier ${file.fileName} est vide : déposez un fichier non vide.`);
    if (head.size > file.declaredSize || head.size > MAX_FILE_BYTES) {
      return refuse(
        'FICHIER_PLUS_GROS_QUE_DECLARE',
        `Le fichier ${file.fileName} pèse ${head.size} octets, plus que les ${file.declaredSize} octets annoncés : redéposez-le.`,
      );
    }
    const body = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: object.key, VersionId: object.versionId }),
    );
    const bytes = (await body.Body?.transformToByteArray()) ?? new Uint8Array(0);
    const result = await verifyDocument({
      bytes,
      fileName: file.fileName,
      role: file.role,
      cadreRequiresTextPdf: mainFileMustBeTextPdf(),
    });
    if (!result.ok) return result;
    const integrity = (expected: string | undefined) => expected !== undefined && expected !== result.sha256;
    if (integrity(file.declaredSha256) || integrity(head.sha256) || bytes.length !== head.size) {
      return refuse(
        'EMPREINTE_DIFFERENTE',
        `Le fichier ${file.fileName} reçu ne correspond pas à l'empreinte SHA-256 annoncée : redéposez-le.`,
      );
    }
    return result;
  }

  private async recordVerified(
    file: FileItem,
    result: Extract<VerifyDocumentResult, { ok: true }>,
    versionId: string | undefined,
  ): Promise<void> {
    const now = this.clock.now().toISOString();
    const fileUpdate: TransactItem = {
      Update: {
        TableName: this.table,
        Key: keys.pieceFile(file.dossierId, file.pieceId, file.fileId),
        UpdateExpression:
          'SET #status = :verifie, size = :size, sha256 = :sha, mime = :mime, verifiedAt = :now' +
          (result.pageCount !== undefined ? ', pageCount = :pages' : '') +
          (result.suggestions !== undefined ? ', suggestions = :sugg' : '') +
          (versionId ? ', versionId = :vid' : ''),
        ConditionExpression: '#status = :seen',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':verifie': 'VERIFIE',
          ':size': result.size,
          ':sha': result.sha256,
          ':mime': result.mime,
          ':now': now,
          ':seen': file.status,
          ...(result.pageCount !== undefined ? { ':pages': result.pageCount } : {}),
          ...(result.suggestions !== undefined ? { ':sugg': result.suggestions } : {}),
          ...(versionId ? { ':vid': versionId } : {}),
        },
      },
    };
    const main = file.role === 'MAIN';
    const pieceUpdate: TransactItem =
      file.status === 'ATTENDU'
        ? {
            // The reservation becomes the real size (never more: the form's range)
            Update: {
              TableName: this.table,
              Key: keys.piece(file.dossierId, file.pieceId),
              UpdateExpression: 'SET reservedBytes = reservedBytes - :delta, updatedAt = :now',
              ConditionExpression: '#status = :brouillon',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':delta': file.declaredSize - result.size,
                ':now': now,
                ':brouillon': 'BROUILLON',
              },
            },
          }
        : {
            // Landed after its reservation was released: reserve again, within the same limits
            Update: {
              TableName: this.table,
              Key: keys.piece(file.dossierId, file.pieceId),
              UpdateExpression: `SET reservedBytes = reservedBytes + :size, fileCount = fileCount + :one, updatedAt = :now${main ? ', mainFileId = :fid' : ''}`,
              ConditionExpression: `#status = :brouillon AND reservedBytes <= :room AND fileCount < :maxFiles${main ? ' AND attribute_not_exists(mainFileId)' : ''}`,
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':size': result.size,
                ':one': 1,
                ':now': now,
                ':brouillon': 'BROUILLON',
                ':room': MAX_PIECE_BYTES - result.size,
                ':maxFiles': MAX_FILES_PER_PIECE,
                ...(main ? { ':fid': file.fileId } : {}),
              },
            },
          };
    await this.transact([fileUpdate, pieceUpdate]);
  }

  private async recordRefused(file: FileItem, refusal: FileRefusal): Promise<void> {
    const now = this.clock.now().toISOString();
    const r = { code: refusal.code, message: refusal.message };
    const lastRefusal = { ...r, fileId: file.fileId, at: now };
    const fileUpdate: TransactItem = {
      Update: {
        TableName: this.table,
        Key: keys.pieceFile(file.dossierId, file.pieceId, file.fileId),
        UpdateExpression: 'SET #status = :refuse, refusal = :r, refusedAt = :now',
        ConditionExpression: '#status = :seen',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':refuse': 'REFUSE', ':r': r, ':now': now, ':seen': file.status },
      },
    };
    const pieceUpdate: TransactItem =
      file.status === 'ATTENDU'
        ? this.pieceRelease(file, { set: 'lastRefusal = :last', values: { ':last': lastRefusal } })
        : {
            Update: {
              TableName: this.table,
              Key: keys.piece(file.dossierId, file.pieceId),
              UpdateExpression: 'SET lastRefusal = :last',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':last': lastRefusal },
            },
          };
    await this.transact([fileUpdate, pieceUpdate]);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Downloads

  /** A short-lived link to a verified file (the caller checked that the user may read the dossier). */
  async downloadUrl(input: {
    readonly dossierId: string;
    readonly pieceId: string;
    readonly fileId: string;
  }): Promise<{ url: string; expiresAt: string }> {
    const file = (await this.get(keys.pieceFile(input.dossierId, input.pieceId, input.fileId))) as FileItem | undefined;
    if (!file) {
      throw new DomainError(
        'FICHIER_INCONNU',
        `Le fichier ${input.fileId} n'existe pas dans cette pièce.`,
        'NOT_FOUND',
      );
    }
    if (file.status !== 'VERIFIE') {
      const message =
        file.status === 'ATTENDU'
          ? `Le fichier ${file.fileName} n'a pas encore été reçu et vérifié.`
          : `Le fichier ${file.fileName} n'est pas disponible (${file.refusal?.message ?? 'dépôt non abouti'}).`;
      throw new DomainError('FICHIER_INDISPONIBLE', message, 'CONFLICT');
    }
    const link = await presignDownload(
      this.s3,
      {
        bucket: this.bucket,
        key: file.objectKey,
        versionId: file.versionId,
        fileName: file.fileName,
        contentType: file.contentType,
        expiresInSeconds: DOWNLOAD_URL_TTL_SECONDS,
      },
      this.clock,
    );
    return { url: link.url, expiresAt: link.expiresAt.toISOString() };
  }

  // ------------------------------------------------------------------------------------------------------------
  // "Valider et envoyer"

  /**
   * Sends the draft (DOMAIN.md §8 "Valider et envoyer"): the main file must be verified; the circuit action is
   * built from the draft and applied through `DossierService.act`, which writes the piece becoming `ENVOYEE` (with
   * its deposit certificate) in the same transaction as the dossier and its audit event carrying the files' hashes.
   */
  async send(input: SendInput): Promise<SendResult> {
    const draft = await this.loadPiece(input.dossierId, input.pieceId);
    if (!draft) throw unknownPiece(input.pieceId);
    let certificat = '';
    let result: ActResult;
    try {
      result = await this.deps.dossiers.decide({
        dossierId: draft.newDossier ? undefined : draft.dossierId,
        marcheId: draft.marcheId,
        userId: input.userId,
        ...(input.actingSiret ? { actingSiret: input.actingSiret } : {}),
        action: { type: (input.action?.type ?? 'DEPOSER') as Action['type'] } as Action,
        expectedVersion: draft.newDossier ? undefined : input.expectedVersion,
        prepare: async (actor) => {
          const prepared = await this.prepareSend(actor, input, draft);
          certificat = prepared.certificat;
          return prepared;
        },
      });
    } catch (e) {
      throw await this.explainSendFailure(e, input);
    }
    return { certificat, message: SENTENCE(draft.numero), dossier: result };
  }

  /** The sending actor's draft, its files checked, as the circuit action and the writes that go with it. */
  private async prepareSend(
    actor: PieceActor,
    input: SendInput,
    piece: PieceItem,
  ): Promise<{ action: Action; fileHashes: string[]; extraItems: TransactItem[]; certificat: string }> {
    const now = this.clock.now();
    if (piece.depositorSiret !== actor.siret) throw notDepositor(piece);
    if (piece.status !== 'BROUILLON') throw alreadySent(piece);
    const files = await this.loadFiles(input.dossierId, input.pieceId);
    const verified = files.filter((f) => f.status === 'VERIFIE');
    const main = verified.find((f) => f.role === 'MAIN');
    const awaited = files.filter((f) => f.status === 'ATTENDU');
    const arrived: FileItem[] = [];
    const unused: FileItem[] = [];
    for (const f of awaited) ((await this.head(f.objectKey, undefined)) ? arrived : unused).push(f);
    if (arrived.length > 0) {
      const message = `Vérification en cours de ${arrived.map((f) => f.fileName).join(', ')} : patientez quelques secondes puis renvoyez la pièce.`;
      throw new DomainError('FICHIERS_EN_COURS_DE_VERIFICATION', message, 'CONFLICT');
    }
    if (!main) {
      // DOMAIN.md §8: every piece has one main file
      const message = `La pièce n° ${piece.numero} n'a pas de fichier principal vérifié : déposez-le (PDF texte) avant de l'envoyer.`;
      throw new DomainError('FICHIER_PRINCIPAL_MANQUANT', message, 'CONFLICT');
    }
    const action = this.buildAction(piece, input.action);
    const certificat = `CERT-${newId(now)}`;
    const sentAt = now.toISOString();
    const fileHashes = [main, ...verified.filter((f) => f !== main)].map((f) => f.sha256 as string);
    const pieceItem: TransactItem = {
      Update: {
        TableName: this.table,
        Key: keys.piece(piece.dossierId, piece.pieceId),
        UpdateExpression:
          'SET #status = :envoyee, certificat = :cert, sentAt = :now, sentBy = :user, fileHashes = :hashes, updatedAt = :now REMOVE gsi2pk, gsi2sk',
        ConditionExpression: '#status = :brouillon AND depositorSiret = :siret AND mainFileId = :main',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':envoyee': 'ENVOYEE',
          ':brouillon': 'BROUILLON',
          ':cert': certificat,
          ':now': sentAt,
          ':user': input.userId,
          ':hashes': fileHashes,
          ':siret': actor.siret,
          ':main': main.fileId,
        },
      },
    };
    // Forms issued but never used are cancelled with the send: a late upload is then refused
    const cancellations: TransactItem[] = unused.map((f) => ({
      Update: {
        TableName: this.table,
        Key: keys.pieceFile(f.dossierId, f.pieceId, f.fileId),
        UpdateExpression: 'SET #status = :annule, releasedAt = :now',
        ConditionExpression: '#status = :attendu',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':annule': 'ANNULE', ':attendu': 'ATTENDU', ':now': sentAt },
      },
    }));
    return { action, fileHashes, extraItems: [pieceItem, ...cancellations], certificat };
  }

  private buildAction(piece: PieceItem, fields: SendActionFields | undefined): Action {
    const pieceInput = {
      id: piece.pieceId,
      numero: piece.numero,
      cadre: piece.cadre,
      ...(piece.montants ? { montants: piece.montants } : {}),
    };
    const { type, piece: _ignored, dossierId: _d, ...rest } = (fields ?? {}) as Record<string, unknown>;
    if (piece.newDossier) {
      if (type !== undefined && type !== 'DEPOSER') {
        const message = `La première pièce d'un dossier se dépose (DEPOSER), pas par l'action ${String(type)}.`;
        throw new DomainError('ACTION_INVALIDE', message, 'INVALID', [{ path: 'action.type', message }]);
      }
      return {
        type: 'DEPOSER',
        dossierId: piece.dossierId,
        piece: pieceInput,
        ...(rest.receptionNotifieeLe !== undefined ? { receptionNotifieeLe: rest.receptionNotifieeLe as string } : {}),
        ...(rest.pdfRecuMoaLe !== undefined ? { pdfRecuMoaLe: rest.pdfRecuMoaLe as string } : {}),
      };
    }
    if (!(FOLLOW_UP_ACTION_TYPES as readonly unknown[]).includes(type)) {
      const message = `Indiquez l'action de cette pièce suivante parmi : ${FOLLOW_UP_ACTION_TYPES.join(', ')}.`;
      throw new DomainError('ACTION_INVALIDE', message, 'INVALID', [{ path: 'action.type', message }]);
    }
    return { ...rest, type, piece: pieceInput } as Action;
  }

  private async explainSendFailure(e: unknown, input: SendInput): Promise<unknown> {
    const recoverable =
      e instanceof ExtraItemConflict ||
      (e instanceof DomainError && (e.code === 'DOSSIER_EXISTE_DEJA' || e.code === 'VERSION_PERIMEE')) ||
      isConflict(e);
    if (!recoverable) return e;
    const now = await this.loadPiece(input.dossierId, input.pieceId);
    if (now && now.status !== 'BROUILLON') return alreadySent(now);
    if (e instanceof ExtraItemConflict) {
      const message =
        'Un fichier de la pièce a été déposé pendant l’envoi : patientez quelques secondes puis renvoyez-la.';
      return new DomainError('FICHIERS_EN_COURS_DE_VERIFICATION', message, 'CONFLICT');
    }
    if (isConflict(e)) {
      return new DomainError('ENVOI_CONCURRENT', 'La pièce est modifiée en ce moment : renvoyez-la.', 'CONFLICT');
    }
    return e;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Helpers

  private checkCadre(input: CreateDraftInput): { cadre: Cadre; role: Role } {
    const cadre = cadreByCode(input.cadre);
    if (input.actor.roles.length === 0) {
      throw new DomainError(
        'ACTEUR_HORS_MARCHE',
        `La structure ${input.actor.siret} n'a pas de rôle sur le marché ${input.marche.numeroMarche}.`,
        'FORBIDDEN',
      );
    }
    // DOMAIN.md §4: a depositor may only use the cadres of its role
    const role = input.actor.roles.find((r) => cadre.depositorRoles.includes(r));
    const checked = assertCadreAllowed(cadre, role ?? (input.actor.roles[0] as Role));
    if (input.dossierId === undefined) {
      const code = checked.code as CadreCode;
      // DOMAIN.md §5: a dossier opens with its first piece, under an opening cadre
      if (!OPENING_CADRES[code] || CADRES_NON_GERES.includes(code)) {
        const message = `Le cadre ${code} se dépose comme pièce suivante d'un dossier existant, pas pour ouvrir un dossier : ouvrez-le avec ${Object.keys(OPENING_CADRES).join(', ')}.`;
        throw new DomainError('CADRE_NON_INITIAL', message, 'INVALID', [{ path: 'cadre', message }]);
      }
    }
    return { cadre: checked, role: role as Role };
  }

  private async requireDraftOf(actor: PieceActor, dossierId: string, pieceId: string): Promise<PieceItem> {
    const piece = await this.loadPiece(dossierId, pieceId);
    if (!piece) throw unknownPiece(pieceId);
    if (piece.depositorSiret !== actor.siret) throw notDepositor(piece);
    if (piece.status !== 'BROUILLON') throw alreadySent(piece);
    return piece;
  }

  private async explainDraftRefusal(actor: PieceActor, dossierId: string, pieceId: string): Promise<never> {
    await this.requireDraftOf(actor, dossierId, pieceId);
    throw new DomainError('PIECE_MODIFIEE', 'La pièce a changé entre-temps : rechargez-la.', 'CONFLICT');
  }

  private async loadPiece(dossierId: string, pieceId: string): Promise<PieceItem | undefined> {
    return (await this.get(keys.piece(dossierId, pieceId))) as PieceItem | undefined;
  }

  private async loadFiles(dossierId: string, pieceId: string): Promise<FileItem[]> {
    const out: FileItem[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': keys.dossier(dossierId).pk, ':p': `FILE#${pieceId}#` },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      out.push(...((page.Items ?? []) as FileItem[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return out;
  }

  private async get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return Item;
  }

  /** A transaction, tried again while it only met concurrent transactions on the same items. */
  private async transact(items: TransactItem[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (e) {
        if (isConflict(e) && !anyConditionFailed(e) && attempt < CONFLICT_ATTEMPTS) {
          await this.backoff(attempt);
          continue;
        }
        throw e;
      }
    }
  }

  /** Hides an object: on the versioned, locked bucket a delete marker (the locked version stays, unreachable). */
  private async deleteObject(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  private toDraft(piece: PieceItem, files: FileItem[]): DraftPiece {
    const records = files.map(toFileRecord).sort((a, b) => (a.fileId < b.fileId ? -1 : 1));
    const main = records.find((f) => f.role === 'MAIN' && f.status === 'VERIFIE');
    return {
      pieceId: piece.pieceId,
      dossierId: piece.dossierId,
      marcheId: piece.marcheId,
      cadre: piece.cadre,
      numero: piece.numero,
      status: piece.status,
      depositorSiret: piece.depositorSiret,
      depositorRole: piece.depositorRole,
      newDossier: piece.newDossier,
      ...(piece.montants ? { montants: piece.montants } : {}),
      ...(piece.datePiece ? { datePiece: piece.datePiece } : {}),
      files: records,
      reservedBytes: piece.reservedBytes,
      maxBytes: MAX_PIECE_BYTES,
      ...(main?.suggestions ? { suggestions: main.suggestions } : {}),
      ...(piece.lastRefusal ? { lastRefusal: piece.lastRefusal } : {}),
      ...(piece.certificat ? { certificat: piece.certificat, sentAt: piece.sentAt } : {}),
      createdAt: piece.createdAt,
      createdBy: piece.createdBy,
    };
  }
}

/** Drafts of a structure, newest first ("Drafts are visibly not sent", DOMAIN.md §8). */
function draftIndex(piece: PieceItem): { gsi2pk: string; gsi2sk: string } {
  return { gsi2pk: `STRUCT#${piece.depositorSiret}`, gsi2sk: `BROUILLON#${piece.createdAt}#${piece.pieceId}` };
}

function unknownPiece(pieceId: string): DomainError {
  return new DomainError('PIECE_INCONNUE', `La pièce ${pieceId} n'existe pas.`, 'NOT_FOUND');
}

function notDepositor(piece: PieceItem): DomainError {
  return new DomainError(
    'PIECE_D_UNE_AUTRE_STRUCTURE',
    `Seule la structure qui dépose la pièce n° ${piece.numero} peut la modifier ou l'envoyer.`,
    'FORBIDDEN',
  );
}

function alreadySent(piece: PieceItem): DomainError {
  return new DomainError(
    'PIECE_DEJA_ENVOYEE',
    `La pièce n° ${piece.numero} a déjà été envoyée${piece.certificat ? ` (certificat ${piece.certificat})` : ''} : elle ne peut plus être modifiée ni renvoyée.`,
    'CONFLICT',
  );
}

function lateUpload(file: FileItem): FileRefusal {
  return {
    code: 'DEPOT_HORS_DELAI',
    message: `Le fichier ${file.fileName} est arrivé après l'expiration de son formulaire et la pièce n'a plus de place pour lui : redemandez un dépôt.`,
  };
}

function checkDeclaredSize(fileName: string, size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    const message = `Taille de ${fileName} invalide : un nombre entier d'octets est attendu.`;
    throw new DomainError('TAILLE_INVALIDE', message, 'INVALID', [{ path: 'taille', message }]);
  }
  // DOMAIN.md §8: empty files are refused
  if (size === 0) {
    const message = `Le fichier ${fileName} est vide : déposez un fichier non vide.`;
    throw new DomainError('FICHIER_VIDE', message, 'INVALID', [{ path: 'taille', message }]);
  }
  // DOMAIN.md §8: 10 MB per file
  if (size > MAX_FILE_BYTES) {
    const message = `Le fichier ${fileName} pèse ${mb(size)} Mo ; ${mb(MAX_FILE_BYTES)} Mo au plus par fichier : réduisez-le ou scindez-le.`;
    throw new DomainError('FICHIER_TROP_VOLUMINEUX', message, 'INVALID', [{ path: 'taille', message }]);
  }
}

function checkSha256(value: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) {
    const message = "L'empreinte SHA-256 attendue est de 64 caractères hexadécimaux.";
    throw new DomainError('EMPREINTE_INVALIDE', message, 'INVALID', [{ path: 'sha256', message }]);
  }
  return value.toLowerCase();
}

function checkMontants(m: Montants): Montants {
  const out = {
    htCents: assertCents(m?.htCents, 'montants.htCents'),
    tvaCents: assertCents(m?.tvaCents, 'montants.tvaCents'),
    ttcCents: assertCents(m?.ttcCents, 'montants.ttcCents'),
  };
  // DOMAIN.md §7: TTC = HT + TVA (the circuit checks it again at the deposit)
  if (out.htCents + out.tvaCents !== out.ttcCents) {
    const message = `Montants incohérents : HT ${out.htCents} + TVA ${out.tvaCents} ≠ TTC ${out.ttcCents} (centimes). Corrigez le total TTC.`;
    throw new DomainError('MONTANTS_INCOHERENTS', message, 'INVALID', [{ path: 'montants.ttcCents', message }]);
  }
  return out;
}

function checkDate(value: string): CalendarDate {
  if (!isCalendarDate(value)) {
    const message = `Date ${value} invalide : format AAAA-MM-JJ attendu.`;
    throw new DomainError('DATE_INVALIDE', message, 'INVALID', [{ path: 'datePiece', message }]);
  }
  return value;
}
