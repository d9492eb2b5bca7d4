import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { actionBody } from '../../../shared/schemas/dossier-actions';
import { actionBodyOf, FIELDS } from '../../../web/src/dossier/action-fields';

type Variant = z.ZodMiniObject<z.core.$ZodShape>;
const variants = actionBody.def.options as unknown as Variant[];
/** The fields of an action's variant the user types (its type and the draft it sends are the portal's own). */
const typedFields = (v: Variant) => Object.keys(v.shape).filter((k) => k !== 'type' && k !== 'pieceId');
const typeOf = (v: Variant) => (v.shape.type as z.ZodMiniLiteral<string>).def.values[0] as string;

describe('dossier action forms', () => {
  it('have a field for everything each action of the API takes (nested amounts by their parts)', () => {
    for (const v of variants) {
      const names = (FIELDS[typeOf(v)] ?? []).map((f) => f.name.split('.')[0]);
      // DELAI_EXPIRE is the system's; COMPLETER has its own form (upload of the missing documents)
      if (typeOf(v) === 'DELAI_EXPIRE' || typeOf(v) === 'COMPLETER') continue;
      expect({ type: typeOf(v), fields: [...new Set(names)].sort() }).toEqual({
        type: typeOf(v),
        fields: typedFields(v).sort(),
      });
    }
  });

  it('builds bodies the API accepts from French input, the corrected amounts as one object', () => {
    // 9 500,00 HT + 1 900,00 TVA (20 %) = 11 400,00 TTC, typed with spaces and commas
    const body = actionBodyOf('VALIDER_ETAT_ACOMPTE_FOURNISSEUR', {
      'montants.ht': '9 500,00',
      'montants.tva': '1\u00a0900,00',
      'montants.ttc': '11 400,00 €',
      commentaire: '  Travaux du lot 2 non achevés  ',
    });
    expect(body).toEqual({
      type: 'VALIDER_ETAT_ACOMPTE_FOURNISSEUR',
      montants: { ht: '9500.00', tva: '1900.00', ttc: '11400.00' },
      commentaire: 'Travaux du lot 2 non achevés',
    });
    expect(actionBody.parse(body)).toMatchObject({
      montants: { htCents: 950_000, tvaCents: 190_000, ttcCents: 1_140_000 },
    });
  });

  it('names another addressee of the état d’acompte validé only when one is typed', () => {
    expect(actionBodyOf('VALIDER_ETAT_ACOMPTE', {})).toEqual({ type: 'VALIDER_ETAT_ACOMPTE' });
    expect(
      actionBodyOf('VALIDER_ETAT_ACOMPTE', {
        'destinataire.siret': '21300202500012',
        'destinataire.codeService': 'FIN',
      }),
    ).toEqual({ type: 'VALIDER_ETAT_ACOMPTE', destinataire: { siret: '21300202500012', codeService: 'FIN' } });
  });

  it('leaves out optional fields left empty, and the amounts group with them', () => {
    expect(actionBodyOf('VALIDER_ETAT_ACOMPTE_FOURNISSEUR', { 'montants.ht': ' ', commentaire: '' })).toEqual({
      type: 'VALIDER_ETAT_ACOMPTE_FOURNISSEUR',
    });
    expect(actionBody.safeParse({ type: 'VALIDER_ETAT_ACOMPTE_FOURNISSEUR' }).success).toBe(true);
  });

  it('sends a required field even when empty, for the API to name it; lines as a list; sums as decimals', () => {
    expect(actionBodyOf('REJETER', {})).toEqual({ type: 'REJETER', motif: '' });
    expect(actionBody.safeParse({ type: 'REJETER', motif: '' }).success).toBe(false);
    expect(actionBodyOf('SUSPENDRE', { documentsManquants: ' Attestation URSSAF \n\n Kbis ' })).toEqual({
      type: 'SUSPENDRE',
      documentsManquants: ['Attestation URSSAF', 'Kbis'],
    });
    // 1 188,00 € admitted: "1188.00"
    expect(
      actionBodyOf('SIGNER_DG_AVEC_RESERVES', { memoireReclamation: 'Réserves', sommesAdmises: '1 188,00' }),
    ).toEqual({ type: 'SIGNER_DG_AVEC_RESERVES', memoireReclamation: 'Réserves', sommesAdmises: '1188.00' });
  });
});
