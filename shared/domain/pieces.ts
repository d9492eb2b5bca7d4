import { assertCadreAllowed, type Cadre, cadreByCode } from './cadres';
import type { CalendarDate } from './calendar';
import { isCalendarDate } from './calendar';
import { CADRES_NON_GERES, type CadreCode, type EtatAcompteLignes, type Montants, OPENING_CADRES } from './circuits';
import { MAX_FILE_BYTES, MAX_PIECE_BYTES } from './documents';
import { DomainError } from './errors';
import type { Marche } from './marche';
import { assertCents } from './money';
import type { Suggestions } from './prefill';
import type { Role } from './roles';

/**
 * Pieces before they enter a circuit: a draft (`BROUILLON`) with its files, each uploaded through a form and
 * verified, until "Valider et envoyer" (Chorus Pro « Pièces jointes »: 10 MB per file, 120 MB per piece with its
 * attachments, one main file, a native text PDF for works pieces). The records, and the refusals that are rules.
 */

/** *(assumption)* Files per piece (main + attachments); keeps "Valider et envoyer" within one transaction. */
export const MAX_FILES_PER_PIECE = 40;

export type PieceStatus = 'BROUILLON' | 'ENVOYEE';
export type FileRole = 'MAIN' | 'ATTACHMENT';
/**
 * ATTENDU: form issued, object awaited; then verified, refused, expired unused, or cancelled (draft sent/deleted);
 * RETIRE: removed from its draft by the depositor (the record stays, the object is hidden).
 */
export type FileStatus = 'ATTENDU' | 'VERIFIE' | 'REFUSE' | 'EXPIRE' | 'ANNULE' | 'RETIRE';

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
  /** Main text PDF: what the first, penultimate and last pages suggest; the depositor confirms (docs/rules/documents.md#pre-fill). */
  readonly suggestions?: Suggestions;
  readonly refusal?: FileRefusal;
  /** Added to a sent piece while its dossier is suspended: one of the missing documents (CCP R2192-28). */
  readonly supplement?: boolean;
  /** RETIRE: when and by whom the file was removed from its draft, and the status it had. */
  readonly removedAt?: string;
  readonly removedBy?: string;
  readonly removedFrom?: FileStatus;
}

/**
 * The addressee's SIRET and the engagement number read in the main PDF that the depositor accepted, each checked
 * against the marché (addressee-suggestions.ts).
 */
export interface PieceAddressee {
  readonly siret?: string;
  readonly engagementJuridique?: string;
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
  /** The état d'acompte lines typed on the draft (checked by the rule book, again when sent). */
  readonly etatAcompte?: EtatAcompteLignes;
  /** The PDF's addressee SIRET and engagement number, accepted and found to agree with the marché. */
  readonly addressee?: PieceAddressee;
  readonly files: FileRecord[];
  /** Files the depositor removed from the draft: their trace (the files themselves are hidden). */
  readonly removedFiles?: readonly { readonly fileId: string; readonly fileName: string; readonly removedAt: string }[];
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
  /** Version of the depositor's fields (numéro, date, amounts): the draft's ETag, checked by If-Match. */
  readonly version: number;
}

/** A piece as stored: the draft, its number, its reservation (declared sizes of files awaited + real sizes). */
export interface PieceRecord {
  readonly pieceId: string;
  readonly dossierId: string;
  readonly marcheId: string;
  readonly cadre: string;
  readonly numero: string;
  readonly status: PieceStatus;
  readonly depositorSiret: string;
  readonly depositorRole: Role;
  readonly newDossier: boolean;
  readonly montants?: Montants;
  readonly datePiece?: CalendarDate;
  readonly etatAcompte?: EtatAcompteLignes;
  readonly addressee?: PieceAddressee;
  readonly reservedBytes: number;
  readonly fileCount: number;
  readonly mainFileId?: string;
  readonly lastRefusal?: DraftPiece['lastRefusal'];
  readonly certificat?: string;
  readonly sentAt?: string;
  readonly createdAt: string;
  readonly createdBy: string;
  /** Drafts written before versions existed read as version 1. */
  readonly version?: number;
}

/** A file of a piece, with where it is (its piece, its object). */
export interface PieceFile extends FileRecord {
  readonly dossierId: string;
  readonly pieceId: string;
  readonly objectKey: string;
}

/** Every works piece is a décompte, an état d'acompte or an invoice: its main file is a native text PDF. */
export function mainFileMustBeTextPdf(_cadre?: string): boolean {
  return true;
}

export function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1).replace('.', ',');
}

/** `10 484 252 octets (9,99 Mo)`: exact, with MB truncated (never rounded up) to two decimals. */
export function bytes(n: number): string {
  const truncated = (Math.floor((n / (1024 * 1024)) * 100) / 100).toFixed(2).replace('.', ',');
  return `${n.toLocaleString('fr-FR').replace(/\s/g, ' ')} octets (${truncated} Mo)`;
}

export function unknownPiece(pieceId: string): DomainError {
  return new DomainError('PIECE_INCONNUE', `La pièce ${pieceId} n'existe pas.`, 'NOT_FOUND');
}

export function notDepositor(piece: Pick<PieceRecord, 'numero'>): DomainError {
  return new DomainError(
    'PIECE_D_UNE_AUTRE_STRUCTURE',
    `Seule la structure qui dépose la pièce n° ${piece.numero} peut la modifier ou l'envoyer.`,
    'FORBIDDEN',
  );
}

export function alreadySent(piece: Pick<PieceRecord, 'numero' | 'certificat'>): DomainError {
  return new DomainError(
    'PIECE_DEJA_ENVOYEE',
    `La pièce n° ${piece.numero} a déjà été envoyée${piece.certificat ? ` (certificat ${piece.certificat})` : ''} : elle ne peut plus être modifiée ni renvoyée.`,
    'CONFLICT',
  );
}

/** Piece numbers are unique per depositing structure. */
export function pieceNumberTaken(numero: string): DomainError {
  const message = `Le numéro de pièce ${numero} est déjà utilisé par votre structure : choisissez-en un autre.`;
  return new DomainError('NUMERO_PIECE_DEJA_UTILISE', message, 'CONFLICT', [{ path: 'numero', message }]);
}

/** The draft may be changed by its depositor only, while it is a draft. */
export function assertDraftOf(piece: PieceRecord | undefined, pieceId: string, actorSiret: string): PieceRecord {
  if (!piece) throw unknownPiece(pieceId);
  if (piece.depositorSiret !== actorSiret) throw notDepositor(piece);
  if (piece.status !== 'BROUILLON') throw alreadySent(piece);
  return piece;
}

/**
 * Why a piece refused a reservation of `file` (read back after the conditional write failed): one main file, at
 * most MAX_FILES_PER_PIECE files, 120 MB per piece with its attachments.
 */
export function reservationRefusal(
  piece: PieceRecord | undefined,
  file: Pick<PieceFile, 'pieceId' | 'role' | 'fileName' | 'declaredSize' | 'supplement'>,
  actorSiret: string,
): DomainError {
  if (!piece) return unknownPiece(file.pieceId);
  if (!file.supplement) {
    if (piece.depositorSiret !== actorSiret) return notDepositor(piece);
    if (piece.status !== 'BROUILLON') return alreadySent(piece);
  } else if (piece.status !== 'ENVOYEE') {
    return new DomainError('PIECE_NON_SUSPENDUE', `La pièce n° ${piece.numero} n'attend aucun document.`, 'CONFLICT');
  }
  if (file.role === 'MAIN' && piece.mainFileId) {
    const message = `La pièce n° ${piece.numero} a déjà un fichier principal : ajoutez ${file.fileName} en pièce jointe.`;
    return new DomainError('FICHIER_PRINCIPAL_DEJA_DEPOSE', message, 'CONFLICT', [{ path: 'role', message }]);
  }
  if (piece.fileCount >= MAX_FILES_PER_PIECE) {
    const message = `La pièce n° ${piece.numero} a déjà ${MAX_FILES_PER_PIECE} fichiers : regroupez vos pièces jointes (par exemple dans un .zip).`;
    return new DomainError('TROP_DE_FICHIERS', message, 'CONFLICT', [{ path: 'nomFichier', message }]);
  }
  const room = Math.max(0, MAX_PIECE_BYTES - piece.reservedBytes);
  // sizes in bytes as well: rounded to 0.1 MB, 10,484,252 bytes left for a 10,485,760-byte file both read "10,0 Mo"
  const message = `Le fichier ${file.fileName} (${bytes(file.declaredSize)}) dépasserait les ${mb(MAX_PIECE_BYTES)} Mo de la pièce n° ${piece.numero} avec ses pièces jointes : il reste ${bytes(room)}.`;
  return new DomainError('PIECE_TROP_VOLUMINEUSE', message, 'CONFLICT', [{ path: 'taille', message }]);
}

/** A file that landed after its form expired, when the piece has no room left for it. */
export function lateUpload(file: Pick<FileRecord, 'fileName'>): FileRefusal {
  return {
    code: 'DEPOT_HORS_DELAI',
    message: `Le fichier ${file.fileName} est arrivé après l'expiration de son formulaire et la pièce n'a plus de place pour lui : redemandez un dépôt.`,
  };
}

export function checkDeclaredSize(fileName: string, size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    const message = `Taille de ${fileName} invalide : un nombre entier d'octets est attendu.`;
    throw new DomainError('TAILLE_INVALIDE', message, 'INVALID', [{ path: 'taille', message }]);
  }
  // docs/rules/documents.md#formats: empty files are refused
  if (size === 0) {
    const message = `Le fichier ${fileName} est vide : déposez un fichier non vide.`;
    throw new DomainError('FICHIER_VIDE', message, 'INVALID', [{ path: 'taille', message }]);
  }
  // docs/rules/documents.md#sizes: 10 MB per file
  if (size > MAX_FILE_BYTES) {
    const message = `Le fichier ${fileName} pèse ${mb(size)} Mo ; ${mb(MAX_FILE_BYTES)} Mo au plus par fichier : réduisez-le ou scindez-le.`;
    throw new DomainError('FICHIER_TROP_VOLUMINEUX', message, 'INVALID', [{ path: 'taille', message }]);
  }
}

export function checkSha256(value: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) {
    const message = "L'empreinte SHA-256 attendue est de 64 caractères hexadécimaux.";
    throw new DomainError('EMPREINTE_INVALIDE', message, 'INVALID', [{ path: 'sha256', message }]);
  }
  return value.toLowerCase();
}

export function checkMontants(m: Montants): Montants {
  const out = {
    htCents: assertCents(m?.htCents, 'montants.htCents'),
    tvaCents: assertCents(m?.tvaCents, 'montants.tvaCents'),
    ttcCents: assertCents(m?.ttcCents, 'montants.ttcCents'),
  };
  // docs/rules/money.md: TTC = HT + TVA (the circuit checks it again at the deposit)
  if (out.htCents + out.tvaCents !== out.ttcCents) {
    const message = `Montants incohérents : HT ${out.htCents} + TVA ${out.tvaCents} ≠ TTC ${out.ttcCents} (centimes). Corrigez le total TTC.`;
    throw new DomainError('MONTANTS_INCOHERENTS', message, 'INVALID', [{ path: 'montants.ttcCents', message }]);
  }
  return out;
}

export function checkDate(value: string): CalendarDate {
  if (!isCalendarDate(value)) {
    const message = `Date ${value} invalide : format AAAA-MM-JJ attendu.`;
    throw new DomainError('DATE_INVALIDE', message, 'INVALID', [{ path: 'datePiece', message }]);
  }
  return value;
}

/**
 * The cadre of a new draft: one of the depositor's role (CCAG cadres per role), and an opening cadre when the piece
 * opens a dossier.
 */
export function checkDraftCadre(input: {
  readonly actor: PieceActor;
  readonly marche: Pick<Marche, 'numeroMarche'>;
  readonly cadre: string;
  readonly opensDossier: boolean;
}): { cadre: Cadre; role: Role } {
  const cadre = cadreByCode(input.cadre);
  if (input.actor.roles.length === 0) {
    throw new DomainError(
      'ACTEUR_HORS_MARCHE',
      `La structure ${input.actor.siret} n'a pas de rôle sur le marché ${input.marche.numeroMarche}.`,
      'FORBIDDEN',
    );
  }
  // docs/rules/cadres.md: a depositor may only use the cadres of its role
  const role = input.actor.roles.find((r) => cadre.depositorRoles.includes(r));
  const checked = assertCadreAllowed(cadre, role ?? (input.actor.roles[0] as Role));
  if (input.opensDossier) {
    const code = checked.code as CadreCode;
    // docs/rules/circuits.md: a dossier opens with its first piece, under an opening cadre
    if (!OPENING_CADRES[code] || CADRES_NON_GERES.includes(code)) {
      const message = `Le cadre ${code} se dépose comme pièce suivante d'un dossier existant, pas pour ouvrir un dossier : ouvrez-le avec ${Object.keys(OPENING_CADRES).join(', ')}.`;
      throw new DomainError('CADRE_NON_INITIAL', message, 'INVALID', [{ path: 'cadre', message }]);
    }
  }
  return { cadre: checked, role: role as Role };
}
