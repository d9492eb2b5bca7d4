import type { CalendarDate } from '../../domain/calendar';
import type { Montants } from '../../domain/circuits';
import { DomainError } from '../../domain/errors';
import type { Suggestions } from '../../domain/prefill';
import type { SuggestionField } from './types';

/** What the accepted suggestions give; the SIRET and the engagement are then checked against the marché. */
export interface SuggestedFields {
  readonly numero?: string;
  readonly datePiece?: CalendarDate;
  readonly montants?: Montants;
  readonly siretDestinataire?: string;
  readonly engagementJuridique?: string;
}

/**
 * The suggestions of the main PDF that the depositor accepts, as draft fields. Asking for one that the PDF did not
 * give is a refusal naming it: nothing is guessed.
 */
export function suggestedFields(s: Suggestions | undefined, accepted: readonly SuggestionField[]): SuggestedFields {
  const out: { -readonly [K in keyof SuggestedFields]: SuggestedFields[K] } = {};
  const missing: string[] = [];
  for (const field of new Set(accepted)) {
    if (field === 'numero') {
      if (s?.numeroPiece) out.numero = s.numeroPiece.value;
      else missing.push('numéro');
    } else if (field === 'datePiece') {
      if (s?.datePiece) out.datePiece = s.datePiece.value;
      else missing.push('date');
    } else if (field === 'siretDestinataire') {
      if (s?.siretDestinataire) out.siretDestinataire = s.siretDestinataire.value;
      else missing.push('SIRET du destinataire');
    } else if (field === 'engagementJuridique') {
      if (s?.engagementJuridique) out.engagementJuridique = s.engagementJuridique.value;
      else missing.push("numéro d'engagement");
    } else if (s?.montantHtCents && s.montantTvaCents && s.montantTtcCents) {
      out.montants = {
        htCents: s.montantHtCents.value,
        tvaCents: s.montantTvaCents.value,
        ttcCents: s.montantTtcCents.value,
      };
    } else missing.push('montants HT, TVA et TTC');
  }
  if (missing.length > 0) {
    const message = `Le fichier principal ne suggère pas : ${missing.join(', ')}. Saisissez ces valeurs vous-même.`;
    throw new DomainError('SUGGESTION_ABSENTE', message, 'INVALID', [{ path: 'appliquerSuggestions', message }]);
  }
  return out;
}
