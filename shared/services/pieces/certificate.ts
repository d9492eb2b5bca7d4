import { evidencePdf } from '../../documents/evidence-pdf';
import { cadreByCode } from '../../domain/cadres';
import { parisDateOf } from '../../domain/calendar';
import { DomainError } from '../../domain/errors';
import type { Section } from '../../domain/evidence/report';
import type { Marche } from '../../domain/marche';
import { formatEuros } from '../../domain/money';
import type { DraftPiece } from '../../domain/pieces';

/**
 * The deposit certificate of a sent piece as a PDF (a text PDF, A4): the certificate number, the sentence the
 * depositor saw (« La pièce n° X est validée, elle est en cours de transmission au service concerné »), what was
 * deposited — cadre, numéro, marché, dossier, depositor, amounts — and each file with its SHA-256, so that the
 * holder can show what was sent and when. Built from what the table holds: asking again gives the same content.
 */
export async function certificatePdf(piece: DraftPiece, marche: Marche): Promise<Uint8Array> {
  if (!piece.certificat || !piece.sentAt) {
    throw new DomainError(
      'PIECE_NON_ENVOYEE',
      `La pièce n° ${piece.numero} n'est pas encore envoyée : son certificat de dépôt existe après « Valider et envoyer ».`,
      'CONFLICT',
    );
  }
  return evidencePdf(
    `Certificat de dépôt ${piece.certificat}`,
    certificateSections(piece, marche),
    'Factures de travaux — certificat de dépôt',
  );
}

export function certificateSections(piece: DraftPiece, marche: Marche): Section[] {
  const sent = new Date(piece.sentAt as string);
  const day = parisDateOf(sent).split('-').reverse().join('/');
  const time = new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    hour: '2-digit',
    minute: '2-digit',
  }).format(sent);
  const cadre = cadreByCode(piece.cadre);
  const m = piece.montants;
  const files = piece.files.filter((f) => f.status === 'VERIFIE');
  return [
    {
      title: 'Pièce déposée',
      lines: [
        `La pièce n° ${piece.numero} est validée, elle est en cours de transmission au service concerné.`,
        `Certificat de dépôt : ${piece.certificat}`,
        `Envoyée le ${day} à ${time} (heure de Paris)`,
        `Cadre de facturation : ${cadre.code} — ${cadre.label} (${cadre.apiValue})`,
        `Numéro de la pièce : ${piece.numero}`,
        ...(piece.datePiece ? [`Date de la pièce : ${piece.datePiece.split('-').reverse().join('/')}`] : []),
        ...(m
          ? [`Montants : ${formatEuros(m.htCents)} HT, ${formatEuros(m.tvaCents)} TVA, ${formatEuros(m.ttcCents)} TTC`]
          : []),
        ...(piece.addressee?.siret
          ? [`Destinataire lu dans le PDF, conforme au marché : SIRET ${piece.addressee.siret}`]
          : []),
        ...(piece.addressee?.engagementJuridique
          ? [`Numéro d'engagement juridique lu dans le PDF : ${piece.addressee.engagementJuridique}`]
          : []),
        `Déposant : SIRET ${piece.depositorSiret} (${piece.depositorRole})`,
        `Marché n° ${marche.numeroMarche} — ${marche.objet}`,
        `Dossier de facturation : ${piece.dossierId} ; pièce : ${piece.pieceId}`,
      ],
    },
    {
      title: 'Fichiers déposés',
      lines: files.map(
        (f) =>
          `${f.role === 'MAIN' ? 'Fichier principal' : 'Pièce jointe'} : ${f.fileName} — ${f.size ?? f.declaredSize} octets — SHA-256 ${f.sha256 ?? ''}`,
      ),
    },
    {
      title: 'Valeur de ce certificat',
      lines: [
        'Ce certificat reprend ce que la plateforme a enregistré à l’envoi de la pièce. Les empreintes SHA-256 permettent de vérifier que chaque fichier est celui qui a été déposé ; la piste d’audit du dossier les conserve.',
      ],
    },
  ];
}
