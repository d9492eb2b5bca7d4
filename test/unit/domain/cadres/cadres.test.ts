import { describe, expect, it } from 'vitest';
import {
  assertCadreAllowed,
  CADRES,
  CADRES_HORS_TRAVAUX,
  cadreByCode,
  cadresForRole,
  findCadre,
} from '../../../../shared/domain/cadres';
import { DomainError } from '../../../../shared/domain/errors';
import { ROLES, type Role } from '../../../../shared/domain/roles';

/** docs/rules/cadres.md, copied from the rule book: code, API value, depositor. */
const SPEC: readonly [string, string, Role[]][] = [
  ['A4', 'A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR', ['TITULAIRE', 'MANDATAIRE']],
  ['A5', 'A5_ETAT_ACOMPTE_FOURNISSEUR', ['TITULAIRE', 'MANDATAIRE']],
  ['A6', 'A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR', ['TITULAIRE', 'MANDATAIRE']],
  ['A7', 'A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR', ['TITULAIRE', 'MANDATAIRE']],
  ['A8', 'A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR', ['TITULAIRE', 'MANDATAIRE']],
  ['A9', 'A9_FACTURE_SOUSTRAITANT', ['SOUS_TRAITANT']],
  ['A10', 'A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT', ['SOUS_TRAITANT']],
  ['A11', 'A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT', ['SOUS_TRAITANT']],
  ['A12', 'A12_FACTURE_COTRAITANT', ['COTRAITANT']],
  ['A13', 'A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT', ['COTRAITANT']],
  ['A14', 'A14_PROJET_DECOMPTE_FINAL_COTRAITANT', ['COTRAITANT']],
  ['A15', 'A15_ETAT_ACOMPTE_MOE', ['MOE']],
  ['A16', 'A16_ETAT_ACOMPTE_VALIDE_MOE', ['MOE']],
  ['A17', 'A17_PROJET_DECOMPTE_GENERAL_MOE', ['MOE']],
  ['A18', 'A18_DECOMPTE_GENERAL_MOE', ['MOE']],
  ['A19', 'A19_ETAT_ACOMPTE_VALIDE_MOA', ['MOA']],
  ['A20', 'A20_DECOMPTE_GENERAL_MOA', ['MOA']],
  ['A22', 'A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE', ['TITULAIRE', 'MANDATAIRE']],
  ['A23', 'A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR', ['TITULAIRE', 'MANDATAIRE']],
  ['A24', 'A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE', ['MOE']],
  ['A25', 'A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE', ['MOA']],
];

function thrown(f: () => unknown): DomainError {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('cadres de facturation (docs/rules/cadres.md, Chorus Pro « Factures de travaux »)', () => {
  it('the table holds exactly the works cadres of docs/rules/cadres.md, in order', () => {
    expect(CADRES.map((c) => [c.code, c.apiValue, [...c.depositorRoles]])).toEqual(SPEC);
  });

  it('every cadre has a French label, a family and a confidence', () => {
    for (const c of CADRES) {
      expect(c.label.length).toBeGreaterThan(5);
      expect(c.family).toBeTruthy();
      expect(['CONFIRMED', 'SINGLE_SOURCE', 'UNCONFIRMED']).toContain(c.confidence);
    }
  });

  it('A11 is unconfirmed and behind the a11Enabled flag; A25 (actor unconfirmed) is marked so', () => {
    expect(cadreByCode('A11')).toMatchObject({ confidence: 'UNCONFIRMED', featureFlag: 'a11Enabled' });
    expect(cadreByCode('A25').confidence).toBe('UNCONFIRMED');
    expect(CADRES.filter((c) => c.featureFlag !== undefined).map((c) => c.code)).toEqual(['A11']);
  });

  it.each(SPEC.map(([code, api]) => [code, api]))('finds %s by its code and by %s', (code, api) => {
    expect(cadreByCode(code).apiValue).toBe(api);
    expect(cadreByCode(api).code).toBe(code);
    expect(cadreByCode(` ${code.toLowerCase()} `).code).toBe(code);
  });

  it.each([
    ['A1', 'Factures émises'],
    ['A1_FACTURE_FOURNISSEUR', 'Factures émises'],
    ['A2', 'Factures émises'],
    ['A3', 'Mémoires de frais de justice'],
    ['A21', 'Demandes de remboursement de la TIC'],
    ['A21_DEMANDE_REMBOURSEMENT_TIC', 'Demandes de remboursement de la TIC'],
  ])('refuses %s in a works dossier with CADRE_HORS_TRAVAUX, naming the space « %s »', (code, space) => {
    const e = thrown(() => cadreByCode(code));
    expect(e.code).toBe('CADRE_HORS_TRAVAUX');
    expect(e.message).toContain(`relève de l'espace « ${space} »`);
    expect(findCadre(code)).toBeUndefined();
  });

  it('knows exactly A1, A2, A3 and A21 as cadres outside works', () => {
    expect(CADRES_HORS_TRAVAUX.map((c) => c.code)).toEqual(['A1', 'A2', 'A3', 'A21']);
  });

  it.each([['A26'], ['A0'], [''], ['FACTURE'], ['A4_DEPOT_PROJET_DECOMPTE_MENSUEL']])(
    'refuses the unknown cadre %j with CADRE_INCONNU',
    (code) => {
      expect(thrown(() => cadreByCode(code)).code).toBe('CADRE_INCONNU');
      expect(findCadre(code)).toBeUndefined();
    },
  );

  describe('a depositor may only use the cadres of its role', () => {
    const cases = SPEC.filter(([code]) => code !== 'A11').flatMap(([code, , roles]) =>
      ROLES.map((role) => [code, role, roles.includes(role)] as const),
    );

    it.each(cases)('%s deposited by %s → allowed: %s', (code, role, allowed) => {
      if (allowed) {
        expect(assertCadreAllowed(code, role).code).toBe(code);
      } else {
        const e = thrown(() => assertCadreAllowed(code, role));
        expect(e.code).toBe('CADRE_NON_AUTORISE_POUR_ROLE');
        expect(e.kind).toBe('FORBIDDEN');
      }
    });

    it('the mandataire may use every titulaire cadre', () => {
      expect(cadresForRole('MANDATAIRE').map((c) => c.code)).toEqual(cadresForRole('TITULAIRE').map((c) => c.code));
      expect(cadresForRole('TITULAIRE').map((c) => c.code)).toEqual(['A4', 'A5', 'A6', 'A7', 'A8', 'A22', 'A23']);
    });

    it('the service financier deposits nothing', () => {
      expect(cadresForRole('SERVICE_FINANCIER')).toEqual([]);
      expect(thrown(() => assertCadreAllowed('A19', 'SERVICE_FINANCIER')).code).toBe('CADRE_NON_AUTORISE_POUR_ROLE');
    });

    it('the refusal tells the role which cadres it may use', () => {
      const e = thrown(() => assertCadreAllowed('A4', 'SOUS_TRAITANT'));
      expect(e.message).toContain('A9, A10');
      expect(e.message).not.toContain('A11');
    });

    it('accepts a cadre object as well as a code', () => {
      expect(assertCadreAllowed(cadreByCode('A15'), 'MOE').code).toBe('A15');
    });

    it('refuses a cadre outside works before looking at the role', () => {
      expect(thrown(() => assertCadreAllowed('A1', 'TITULAIRE')).code).toBe('CADRE_HORS_TRAVAUX');
    });
  });

  describe('A11 behind a flag (unconfirmed cadre)', () => {
    it('is refused with CADRE_DESACTIVE when the flag is off (default)', () => {
      expect(thrown(() => assertCadreAllowed('A11', 'SOUS_TRAITANT')).code).toBe('CADRE_DESACTIVE');
      expect(thrown(() => assertCadreAllowed('A11', 'SOUS_TRAITANT', { a11Enabled: false })).code).toBe(
        'CADRE_DESACTIVE',
      );
      expect(cadresForRole('SOUS_TRAITANT').map((c) => c.code)).toEqual(['A9', 'A10']);
    });

    it('is allowed to the sous-traitant only when the flag is on', () => {
      expect(assertCadreAllowed('A11', 'SOUS_TRAITANT', { a11Enabled: true }).code).toBe('A11');
      expect(thrown(() => assertCadreAllowed('A11', 'TITULAIRE', { a11Enabled: true })).code).toBe(
        'CADRE_NON_AUTORISE_POUR_ROLE',
      );
      expect(cadresForRole('SOUS_TRAITANT', { a11Enabled: true }).map((c) => c.code)).toEqual(['A9', 'A10', 'A11']);
    });
  });
});
