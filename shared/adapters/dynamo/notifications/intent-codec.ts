import type { NotificationIntent } from '../../../domain/notifications';
import { compressJson, decompressJson, type JsonFormat } from '../compressed-json';

/**
 * How an outbox entry stores its notification (compressed-json.ts): the intent's French lines repeat its action's
 * label and silence rule, 1.1–1.4 KB as a map, written in the decision's transaction and copied into the index of
 * entries to deliver; compressed the entry stays under 1 KB, one write unit. Format `1`: the preset dictionary below
 * (the intent's shape and its most frequent phrases), frozen. An entry stored with its intent as a map (the layout
 * before this one) is read as it is.
 */
const FORMAT_1: JsonFormat = {
  byte: 1,
  dictionary: Buffer.from(
    [
      'PIECE_REFUSEE","PIECE_A_RECYCLER","PIECE_SUSPENDUE","PIECE_REJETEE","MANDATEE","MISE_EN_PAIEMENT","DGP_DEPASSE",',
      '"RAPPEL_ECHEANCE","ISSUE_TACITE","SERVICE_FAIT","Délai expiré — ","Délai global de paiement dépassé — ",',
      'Rappel : échéance le "Le délai de l\'étape « » est expiré sans réponse.","Le dossier est maintenant ',
      'le maître d’ouvrage","le service financier","le titulaire","le sous-traitant","(maître d’ouvrage)",',
      '"Le dossier est à l\'examen du maître d\'œuvre.","Le dossier est en attente de validation du maître d\'ouvrage.",',
      '{"audience":[{"siret":"","space":"FACTURES_TRAVAUX","act":true},{"siret":"","space":"FACTURES_A_VALIDER",',
      '"act":false}],"at":"2030-01-01T00:00:00.000Z","numero":"","marcheId":"","kind":"ACTION_ATTENDUE",',
      '"link":"/dossiers/","dossierId":"","action":{"onSilence":"Le maître d\'œuvre n\'a pas statué dans son délai ',
      'réglementaire (absence de validation) : le fournisseur peut saisir directement le maître d\'ouvrage.",',
      '"label":"déposer l\'état d\'acompte (A15) ou refuser la pièce (maître d’œuvre)","deadlineAt":"T22:59:59.999Z",',
      '"lastDay":""},"source":"DOSSIER#@v1","title":"Action attendue — dossier  (pièce n° )","lines":[',
      '"Le dossier est à l\'examen du maître d\'œuvre.","Action attendue : ","Délai : au plus tard le ",',
      '"Sans réponse dans ce délai : "]}',
    ].join(''),
  ),
};

/** The intent as the outbox entry stores it. */
export const encodeIntent = (intent: NotificationIntent): Uint8Array => compressJson(intent, FORMAT_1);

/** The intent of an outbox entry, compressed or as the map the previous layout stored. */
export const decodeIntent = (stored: unknown): NotificationIntent =>
  decompressJson(stored, [FORMAT_1]) as NotificationIntent;
