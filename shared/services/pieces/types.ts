import type { Clock } from '../../adapters/clock';
import type { DocumentBucket } from '../../adapters/document-bucket';
import type { DossierPartition } from '../../adapters/dynamo/dossier-store';
import type { PieceStore } from '../../adapters/dynamo/piece-store';
import type { TransactItem } from '../../adapters/dynamo/transactions';
import type { CalendarDate } from '../../domain/calendar';
import type { Dossier, EtatAcompteLignes, Montants } from '../../domain/circuits';
import type { PieceActionType } from '../../domain/circuits/actions';
import type { DgpClock } from '../../domain/dgp';
import type { Marche } from '../../domain/marche';
import type { FileRefusal, FileRole, PieceActor, PieceRecord } from '../../domain/pieces';
import type { ActResult } from '../decisions';
import type { DossierService } from '../dossier-service';

export type {
  DraftPiece,
  FileRecord,
  FileRefusal,
  FileRole,
  PieceActor,
} from '../../domain/pieces';

/** What the piece modules work with (built by the composition root, shared/services/context.ts). */
export interface PieceDeps {
  readonly store: PieceStore;
  readonly documents: DocumentBucket;
  readonly dossiers: DossierService;
  readonly clock: Clock;
  /** Key prefix of browser uploads (the verifying function is notified for objects under it). */
  readonly uploadPrefix: string;
}

/** Lifetime of an upload form: short, the browser posts right away (docs/DESIGN.md#how-a-dossier-flows step 1). */
export const UPLOAD_FORM_TTL_SECONDS = 300;
/**
 * *(assumption)* A reservation is released this long after its form expired: S3 checks the policy when the POST
 * starts, so a 10 MB upload begun just before the expiry may still land, and its event arrive, a little later.
 */
export const RESERVATION_GRACE_SECONDS = 900;
/** Lifetime of a download link. */
export const DOWNLOAD_URL_TTL_SECONDS = 300;

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
  /** The lines of an état d'acompte (A4, A5, A6, A15, A16, A19), checked by the rule book. */
  readonly etatAcompte?: EtatAcompteLignes;
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

/** The action's own fields; `piece` is filled from the draft. */
export interface SendActionFields {
  readonly type?: 'DEPOSER' | PieceActionType;
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
  /** The draft and its dossier as the caller already read them (`PieceService.draftToSend`): not read again. */
  readonly loaded?: DraftToSend;
  /** The request's completed idempotency record, written in the decision's transaction (`DecideRequest.completion`). */
  readonly completion?: (sent: SendResult) => Promise<TransactItem>;
}

/** A draft as « Valider et envoyer » reads it: the piece, and its dossier's partition (ONE Query). */
export interface DraftToSend {
  /** Absent when the dossier has no such piece. */
  readonly piece: PieceRecord | undefined;
  /** The dossier (none before its first deposit), its pieces and files. */
  readonly partition: DossierPartition<Dossier, DgpClock>;
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

/** Which suggestions read in the main PDF the depositor accepts on its draft. */
export const SUGGESTION_FIELDS = [
  'numero',
  'datePiece',
  'montants',
  'siretDestinataire',
  'engagementJuridique',
] as const;
export type SuggestionField = (typeof SUGGESTION_FIELDS)[number];

export interface DraftEditInput {
  readonly actor: PieceActor;
  readonly dossierId: string;
  readonly pieceId: string;
  readonly numero?: string;
  readonly montants?: Montants;
  readonly datePiece?: CalendarDate | string;
  readonly etatAcompte?: EtatAcompteLignes;
  /** Suggestions accepted (a field typed as well wins over its suggestion). */
  readonly applySuggestions?: readonly SuggestionField[];
  /** The draft's marché: an accepted SIRET or engagement suggestion is checked against it. */
  readonly marche?: Marche;
  /** The version read (If-Match); absent: whatever version is stored. */
  readonly expectedVersion?: number;
}
