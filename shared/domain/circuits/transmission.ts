import type { Dossier } from './types';

/**
 * The transmission of a piece to the service financier (« Transmettre au service financier »): once per piece as
 * addressed (a recyclage re-addresses it), per status that reached the service financier (the complement after a
 * suspension is another transmission). Not per dossier version: a late flag moves the version without anything new
 * to transmit.
 */
export function transmissionKey(d: Dossier): string {
  const piece = d.pieces.find((p) => p.id === d.currentPieceId);
  const to = piece?.destinataire ?? d.parties.serviceFinancier;
  return [piece?.id, d.status, to.siret, to.codeService ?? '', to.engagementJuridique ?? ''].join('|');
}

/** The piece at the service financier has not been transmitted, as it stands, yet (`transmittedFor`: the last key). */
export function needsTransmission(d: Dossier, transmittedFor: string | undefined): boolean {
  return (
    !d.closed &&
    d.state === 'TRAITEMENT_SERVICE_FINANCIER' &&
    (d.status === 'MISE_A_DISPOSITION' || d.status === 'COMPLETEE') &&
    transmittedFor !== transmissionKey(d)
  );
}
