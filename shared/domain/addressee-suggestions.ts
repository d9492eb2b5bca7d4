import { DomainError } from './errors';
import type { Marche, MarcheActeur } from './marche';

/**
 * The addressee's SIRET and the engagement number read in a deposit's main PDF (docs/rules/documents.md#pre-fill)
 * are confirmations, not choices: the marché's fiche d'identité already names the public buyer a piece goes to
 * (its maître d'ouvrage, paid through its service financier) and the engagement juridique number the buyer gave.
 * Accepting one of these suggestions checks that the PDF agrees with the marché, and records it on the draft; a PDF
 * addressed to another buyer, or quoting another engagement, is refused before it is sent (Chorus Pro rejects such
 * an invoice for « mauvais destinataire » or « données obligatoires manquantes », CCAG-T 2014 art. 13).
 */

/** The marché's structures a piece is addressed to: its MOA and its services financiers. */
function addressees(marche: Marche): MarcheActeur[] {
  return marche.acteurs.filter((a) => a.role === 'MOA' || a.role === 'SERVICE_FINANCIER');
}

const ROLE_LABEL: Record<string, string> = { MOA: "maître d'ouvrage", SERVICE_FINANCIER: 'service financier' };

/** The SIRET read, when it names the MOA or a service financier of the marché; else a 422 naming the expected ones. */
export function checkSuggestedSiret(marche: Marche, siret: string): string {
  const digits = siret.replace(/[\s.]/g, '');
  const candidates = addressees(marche);
  if (candidates.some((a) => a.siret === digits)) return digits;
  const expected = candidates.map((a) => `${a.siret} (${ROLE_LABEL[a.role]}, ${a.raisonSociale})`).join(' ou ');
  const message = `Le SIRET lu dans le PDF (${digits}) n'est pas celui de l'acheteur du marché n° ${marche.numeroMarche} : attendu ${expected}. Vérifiez que la pièce est adressée au bon acheteur et déposée sur le bon marché, ou corrigez le PDF.`;
  throw new DomainError('SIRET_DESTINATAIRE_HORS_MARCHE', message, 'INVALID', [
    { path: 'appliquerSuggestions', message },
  ]);
}

/** Engagement numbers compare without their case and spaces ("ej-2025 000142" is "EJ-2025000142"). */
const comparable = (s: string) => s.replace(/\s+/g, '').toUpperCase();

/**
 * The engagement number read: when the marché records one (on its MOA or service financier), the PDF must quote it;
 * when it records none, the number read is kept as the depositor's reference for the buyer.
 */
export function checkSuggestedEngagement(marche: Marche, engagement: string): string {
  const value = engagement.trim();
  const known = [
    ...new Set(
      addressees(marche)
        .map((a) => a.engagementJuridique?.trim())
        .filter((e): e is string => e !== undefined && e.length > 0),
    ),
  ];
  if (known.length === 0 || known.some((k) => comparable(k) === comparable(value))) return value;
  const message = `Le numéro d'engagement lu dans le PDF (${value}) n'est pas celui du marché n° ${marche.numeroMarche} (${known.join(' ou ')}). Corrigez le PDF, ou demandez au maître d'ouvrage de mettre à jour la fiche du marché si l'engagement a changé.`;
  throw new DomainError('ENGAGEMENT_DIFFERENT_DU_MARCHE', message, 'INVALID', [
    { path: 'appliquerSuggestions', message },
  ]);
}
