import type * as z from 'zod/mini';
import type { Suggestions } from '../../shared/domain/prefill';
import { toAmountString } from '../../shared/schemas/common';
import { etatAcompteSaisiJson } from '../../shared/schemas/etat-acompte';
import {
  type brouillonOutput,
  type fichierOutput,
  ROLE_FICHIER_API,
  type suggestionsOutput,
} from '../../shared/schemas/pieces';
import type { DraftPiece, FileRecord } from '../../shared/services/pieces';
import { montantsJson } from './views';

/** A piece and its files on the wire (French field names, amounts as strings). Presentation only. */
type Out<S extends z.ZodMiniType> = z.output<S>;

export function suggestionsJson(s: Suggestions | undefined): Out<typeof suggestionsOutput> | undefined {
  if (!s) return undefined;
  const out: Record<string, { valeur: string; page: number; motCle: string }> = {};
  const put = (key: string, value: string | undefined, sug: { page: number; keyword: string } | undefined) => {
    if (value !== undefined && sug) out[key] = { valeur: value, page: sug.page, motCle: sug.keyword };
  };
  put('siretDestinataire', s.siretDestinataire?.value, s.siretDestinataire);
  put('engagementJuridique', s.engagementJuridique?.value, s.engagementJuridique);
  put('numeroPiece', s.numeroPiece?.value, s.numeroPiece);
  put('datePiece', s.datePiece?.value, s.datePiece);
  const cents = (v: number | undefined) => (v === undefined ? undefined : toAmountString(v));
  put('montantHt', cents(s.montantHtCents?.value), s.montantHtCents);
  put('montantTva', cents(s.montantTvaCents?.value), s.montantTvaCents);
  put('montantTtc', cents(s.montantTtcCents?.value), s.montantTtcCents);
  return Object.keys(out).length > 0 ? out : undefined;
}

const VERIFICATION: Record<FileRecord['status'], 'EN_ATTENTE' | 'VERIFIE' | 'REFUSE' | 'ABANDONNE'> = {
  ATTENDU: 'EN_ATTENTE',
  VERIFIE: 'VERIFIE',
  REFUSE: 'REFUSE',
  EXPIRE: 'ABANDONNE',
  ANNULE: 'ABANDONNE',
  // Never shown: a file removed from its draft is left out of it
  RETIRE: 'ABANDONNE',
};

export function fichierJson(f: FileRecord): Out<typeof fichierOutput> {
  const suggestions = suggestionsJson(f.suggestions);
  return {
    id: f.fileId,
    nom: f.fileName,
    role: ROLE_FICHIER_API[f.role],
    taille: f.size ?? f.declaredSize,
    type: f.mime ?? f.contentType,
    verification: {
      statut: VERIFICATION[f.status],
      ...(f.refusal ? { code: f.refusal.code, message: f.refusal.message } : {}),
      ...(f.sha256 ? { sha256: f.sha256 } : {}),
      ...(f.pageCount !== undefined ? { pages: f.pageCount } : {}),
    },
    ...(suggestions ? { suggestions } : {}),
    ...(f.supplement ? { complement: true } : {}),
  };
}

/** A piece before and after "Valider et envoyer" (docs/rules/documents.md#drafts-and-sending): drafts are visibly not sent. */
export function brouillonJson(d: DraftPiece): Out<typeof brouillonOutput> {
  const suggestions = suggestionsJson(d.suggestions);
  return {
    id: d.pieceId,
    dossierId: d.dossierId,
    marcheId: d.marcheId,
    cadre: d.cadre,
    numero: d.numero,
    statut: d.status,
    envoyee: d.status === 'ENVOYEE',
    deposantSiret: d.depositorSiret,
    ...(d.montants ? { montants: montantsJson(d.montants) } : {}),
    ...(d.datePiece ? { datePiece: d.datePiece } : {}),
    ...(d.etatAcompte ? { etatAcompte: etatAcompteSaisiJson(d.etatAcompte) } : {}),
    ...(d.addressee ? { destinataire: { ...d.addressee } } : {}),
    fichiers: d.files.map(fichierJson),
    ...(d.removedFiles
      ? { fichiersRetires: d.removedFiles.map((f) => ({ id: f.fileId, nom: f.fileName, retireLe: f.removedAt })) }
      : {}),
    octetsReserves: d.reservedBytes,
    octetsMax: d.maxBytes,
    ...(suggestions ? { suggestions } : {}),
    ...(d.lastRefusal
      ? {
          dernierRefus: {
            fichierId: d.lastRefusal.fileId,
            code: d.lastRefusal.code,
            message: d.lastRefusal.message,
            le: d.lastRefusal.at,
          },
        }
      : {}),
    ...(d.certificat ? { certificat: d.certificat } : {}),
    ...(d.sentAt ? { envoyeeLe: d.sentAt } : {}),
    nouveauDossier: d.newDossier,
    creeLe: d.createdAt,
    version: d.version,
  };
}
