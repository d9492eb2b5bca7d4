import { api } from '../api/client';
import { ApiError, unwrap } from '../api/problem';
import { formatDate, formatEuros } from '../ui/format';
import type { Brouillon } from './upload';

/**
 * The piece's fields (numéro, date, HT / TVA / TTC) and the values read in its main PDF, offered as suggestions the
 * depositor accepts one by one or all at once (never applied by themselves). What is typed is kept aside until
 * saved, so that a reload after a stale version loses nothing.
 */

export type FieldName = 'numero' | 'datePiece' | 'ht' | 'tva' | 'ttc';
export type Typed = Partial<Record<FieldName, string>>;
type SuggestionKey = 'numero' | 'datePiece' | 'montants' | 'siretDestinataire' | 'engagementJuridique';

const ACCEPT_LABEL: Record<SuggestionKey, string> = {
  numero: 'le numéro',
  datePiece: 'la date',
  montants: 'les montants',
  siretDestinataire: 'le SIRET du destinataire',
  engagementJuridique: 'l’engagement juridique',
};

export const fieldValue = (draft: Brouillon, typed: Typed, f: FieldName): string =>
  typed[f] ??
  (f === 'numero' ? draft.numero : f === 'datePiece' ? (draft.datePiece ?? '') : (draft.montants?.[f] ?? ''));

/** The draft edit for what was typed: `undefined` when nothing changed. Amounts go as a whole, `1 234,56` → `1234.56`. */
export function editOf(draft: Brouillon, typed: Typed) {
  const changed = (f: FieldName) => typed[f] !== undefined && typed[f] !== fieldValue(draft, {}, f);
  const amount = (f: 'ht' | 'tva' | 'ttc') =>
    fieldValue(draft, typed, f)
      .replace(/[\s\u00a0]/g, '')
      .replace(',', '.');
  const body: { numero?: string; datePiece?: string; montants?: { ht: string; tva: string; ttc: string } } = {};
  if (changed('numero')) body.numero = fieldValue(draft, typed, 'numero').trim();
  if (changed('datePiece') && typed.datePiece) body.datePiece = typed.datePiece;
  if (changed('ht') || changed('tva') || changed('ttc'))
    body.montants = { ht: amount('ht'), tva: amount('tva'), ttc: amount('ttc') };
  return Object.keys(body).length > 0 ? body : undefined;
}

export async function patchDraft(draft: Brouillon, body: Record<string, unknown>): Promise<Brouillon> {
  return unwrap(
    await api.PATCH('/v1/dossiers/{dossierId}/pieces/{pieceId}', {
      params: {
        path: { dossierId: draft.dossierId, pieceId: draft.id },
        header: { 'If-Match': `"${draft.version}"`, 'Idempotency-Key': crypto.randomUUID() },
      },
      body: body as never,
    }),
  );
}

const LABELS: Record<FieldName, string> = {
  numero: 'Numéro de la pièce',
  datePiece: 'Date de la pièce',
  ht: 'Montant HT (€)',
  tva: 'TVA (€)',
  ttc: 'Montant TTC (€)',
};

const centsOf = (v: string) => (/^-?\d+(\.\d{1,2})?$/.test(v) ? Math.round(Number(v) * 100) : undefined);

export function Champs(props: {
  draft: Brouillon;
  typed: Typed;
  onType: (t: Typed) => void;
  error?: unknown;
  busy: boolean;
  onAccept: (which: SuggestionKey[]) => void;
}) {
  const { draft, typed, error } = props;
  const s = draft.suggestions;
  const offers: { key: SuggestionKey; text: string; where: string }[] = [];
  if (s?.numeroPiece)
    offers.push({ key: 'numero', text: `numéro ${s.numeroPiece.valeur}`, where: `page ${s.numeroPiece.page}` });
  if (s?.datePiece)
    offers.push({
      key: 'datePiece',
      text: `date ${formatDate(s.datePiece.valeur)}`,
      where: `page ${s.datePiece.page}`,
    });
  if (s?.montantHt && s.montantTva && s.montantTtc) {
    const e = (v: string) => formatEuros(centsOf(v));
    offers.push({
      key: 'montants',
      text: `montants HT ${e(s.montantHt.valeur)}, TVA ${e(s.montantTva.valeur)}, TTC ${e(s.montantTtc.valeur)}`,
      where: `page ${s.montantTtc.page}`,
    });
  }
  // The addressee's SIRET and the engagement number: checked against the marché when accepted (422 otherwise)
  const confirmed = draft.destinataire;
  if (s?.siretDestinataire && confirmed?.siret !== s.siretDestinataire.valeur)
    offers.push({
      key: 'siretDestinataire',
      text: `SIRET du destinataire ${s.siretDestinataire.valeur}`,
      where: `page ${s.siretDestinataire.page}`,
    });
  if (s?.engagementJuridique && confirmed?.engagementJuridique !== s.engagementJuridique.valeur)
    offers.push({
      key: 'engagementJuridique',
      text: `engagement juridique ${s.engagementJuridique.valeur}`,
      where: `page ${s.engagementJuridique.page}`,
    });
  const fieldError = (f: FieldName) =>
    error instanceof ApiError
      ? (error.fieldMessage(f === 'numero' || f === 'datePiece' ? f : `montants.${f}`) ??
        (f === 'ht' ? error.fieldMessage('montants') : undefined))
      : undefined;
  return (
    <section aria-labelledby="champs-titre" className="fr-mb-4w" data-testid="champs">
      <h2 id="champs-titre">Informations de la pièce</h2>
      {offers.length > 0 ? (
        <div className="fr-callout fr-mb-3w" data-testid="suggestions">
          <h3 className="fr-callout__title">Valeurs lues dans le PDF</h3>
          <p className="fr-callout__text">À confirmer : elles ne remplacent vos saisies que si vous les acceptez.</p>
          <ul>
            {offers.map((o) => (
              <li key={o.key} className="fr-mb-1w">
                {o.text} ({o.where}){' '}
                <button
                  type="button"
                  className="fr-btn fr-btn--sm fr-btn--secondary"
                  disabled={props.busy}
                  onClick={() => props.onAccept([o.key])}
                >
                  Accepter {ACCEPT_LABEL[o.key]}
                </button>
              </li>
            ))}
          </ul>
          {s?.siretDestinataire || s?.engagementJuridique ? (
            <p className="fr-text--sm">
              Le SIRET et le numéro d’engagement acceptés sont vérifiés : ce doivent être ceux de l’acheteur du marché.
            </p>
          ) : null}
          {offers.length > 1 ? (
            <button
              type="button"
              className="fr-btn fr-btn--sm"
              disabled={props.busy}
              onClick={() => props.onAccept(offers.map((o) => o.key))}
            >
              Accepter toutes les suggestions
            </button>
          ) : null}
        </div>
      ) : s ? null : (
        <p className="fr-text--sm">
          Aucune valeur lue dans le PDF pour l’instant : elles apparaissent ici une fois le fichier principal vérifié.
        </p>
      )}
      {confirmed?.siret || confirmed?.engagementJuridique ? (
        <p className="fr-text--sm" data-testid="destinataire-confirme">
          Destinataire confirmé d’après le PDF :{confirmed.siret ? ` SIRET ${confirmed.siret}` : ''}
          {confirmed.siret && confirmed.engagementJuridique ? ' ;' : ''}
          {confirmed.engagementJuridique ? ` engagement juridique ${confirmed.engagementJuridique}` : ''}.
        </p>
      ) : null}
      <div className="ft-fields">
        {(Object.keys(LABELS) as FieldName[]).map((f) => {
          const id = `champ-${f}`;
          const msg = fieldError(f);
          return (
            <div key={f} className={`fr-input-group${msg ? ' fr-input-group--error' : ''}`}>
              <label className="fr-label" htmlFor={id}>
                {LABELS[f]}
                {f === 'ht' || f === 'tva' || f === 'ttc' ? (
                  <span className="fr-hint-text">Exemple : 1188.00</span>
                ) : null}
              </label>
              <input
                id={id}
                className={`fr-input${msg ? ' fr-input--error' : ''}`}
                type={f === 'datePiece' ? 'date' : 'text'}
                inputMode={f === 'ht' || f === 'tva' || f === 'ttc' ? 'decimal' : undefined}
                value={fieldValue(draft, typed, f)}
                maxLength={f === 'numero' ? 35 : 20}
                aria-describedby={msg ? `${id}-erreur` : undefined}
                onChange={(e) => props.onType({ ...typed, [f]: e.target.value })}
              />
              {msg ? (
                <p className="fr-error-text" id={`${id}-erreur`}>
                  {msg}
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
    </section>
  );
}
