import { describe, expect, it } from 'vitest';
import { type Action, transition } from '../../../../shared/domain/circuits';
import { marcheSchema } from '../../../../shared/domain/marche';
import { A, marcheGroupement, marcheSolo, paris, piece, refusalOf, Scenario, SIRET } from './fixtures';

/** docs/rules/cadres.md (cadres) and docs/rules/circuits.md (the first deposit opens the dossier). */

const deposer = (cadre: string, extra: Partial<Extract<Action, { type: 'DEPOSER' }>> = {}): Action => ({
  type: 'DEPOSER',
  dossierId: 'D',
  piece: piece({ cadre }),
  ...extra,
});
const open = (who = A.titulaire, cadre = 'A4', marche = marcheSolo) =>
  refusalOf(() => transition(marche, undefined, who, deposer(cadre), paris('2025-04-11')));

describe('first deposit and cadres (docs/rules/cadres.md)', () => {
  it.each([
    ['A1', 'Factures émises'],
    ['A2', 'Factures émises'],
    ['A3', 'Mémoires de frais de justice'],
    ['A21', 'Demandes de remboursement de la TIC'],
  ])('refuses %s in a works dossier and names its space (%s)', (cadre, espace) => {
    const e = open(A.titulaire, cadre);
    expect(e).toMatchObject({ code: 'CADRE_HORS_TRAVAUX', kind: 'INVALID' });
    expect(e.message).toContain(espace);
  });

  it('refuses A11, the unconfirmed cadre kept behind its flag', () => {
    expect(open(A.titulaire, 'A11').code).toBe('CADRE_NON_GERE');
  });

  it('refuses the titulaire’s état d’acompte (A5) on a marché that names a MOE: the PDM (A4) goes to it', () => {
    expect(open(A.titulaire, 'A5')).toMatchObject({ code: 'CADRE_INADAPTE_AU_CIRCUIT', kind: 'INVALID' });
  });

  it.each([
    ['A6', A.titulaire],
    ['A16', A.moe],
    ['A18', A.moe],
  ] as const)(
    'refuses %s as a first piece: it follows the validation of the état d’acompte or the projet de DG',
    (cadre, who) => {
      expect(open(who, cadre).code).toBe('CADRE_NON_INITIAL');
    },
  );

  it.each(['A8', 'A15', 'A17', 'A19', 'A20', 'A22', 'A23', 'A24', 'A25'])(
    'refuses %s as a first piece: it follows a previous piece of the dossier',
    (cadre) => {
      expect(open(A.moe, cadre).code).toBe('CADRE_NON_INITIAL');
    },
  );

  it.each(['A99', 'B1', ''])('refuses the unknown cadre "%s"', (cadre) => {
    expect(open(A.titulaire, cadre).code).toBe('CADRE_INCONNU');
  });

  it('lets a depositor use only the cadres of its role (docs/rules/cadres.md)', () => {
    const e = open(A.stTitulaire, 'A4');
    expect(e).toMatchObject({ code: 'CADRE_NON_AUTORISE_POUR_ROLE', kind: 'FORBIDDEN' });
    expect(e.message).toContain('A9, A10');
    expect(open(A.titulaire, 'A9').code).toBe('CADRE_NON_AUTORISE_POUR_ROLE');
    expect(open(A.cotraitant, 'A7', marcheGroupement).code).toBe('CADRE_NON_AUTORISE_POUR_ROLE');
    expect(open(A.moe, 'A4').code).toBe('CADRE_NON_AUTORISE_POUR_ROLE');
  });

  it('accepts a cadre code in lower case', () => {
    const r = transition(marcheSolo, undefined, A.titulaire, deposer('a4'), paris('2025-04-11'));
    expect(r.dossier.pieces[0]?.cadre).toBe('A4');
  });

  it('lets the mandataire deposit what a titulaire deposits', () => {
    const r = transition(marcheGroupement, undefined, A.mandataire, deposer('A4'), paris('2025-04-11'));
    expect(r.dossier.parties.fournisseur).toEqual({ siret: SIRET.mandataire, role: 'MANDATAIRE' });
  });

  it('refuses a bad piece number with the documents rule (docs/rules/documents.md#piece-numbers)', () => {
    const e = refusalOf(() =>
      transition(
        marcheSolo,
        undefined,
        A.titulaire,
        { type: 'DEPOSER', dossierId: 'D', piece: { id: 'x', numero: 'N/1', cadre: 'A4' } },
        paris('2025-04-11'),
      ),
    );
    expect(e.code).toBe('NUMERO_PIECE_CARACTERE_INTERDIT');
  });

  it('refuses a piece already in the dossier', () => {
    const s = new Scenario(marcheSolo);
    s.act(
      A.titulaire,
      { type: 'DEPOSER', dossierId: 'D', piece: { id: 'p1', numero: 'N1', cadre: 'A4' } },
      paris('2025-04-11'),
    );
    const e = refusalOf(() =>
      s.act(
        A.moe,
        {
          type: 'DEPOSER_ETAT_ACOMPTE',
          piece: { id: 'p1', numero: 'E1', montants: { htCents: 1, tvaCents: 0, ttcCents: 1 } },
        },
        paris('2025-04-12'),
      ),
    );
    expect(e).toMatchObject({ code: 'PIECE_DEJA_PRESENTE', kind: 'CONFLICT' });
  });

  it('refuses to open a dossier twice, and any other act on a dossier that does not exist', () => {
    const s = new Scenario(marcheSolo);
    s.act(A.titulaire, deposer('A4'), paris('2025-04-11'));
    expect(refusalOf(() => s.act(A.titulaire, deposer('A4'), paris('2025-04-12'))).code).toBe('DOSSIER_DEJA_OUVERT');
    expect(
      refusalOf(() => transition(marcheSolo, undefined, A.moe, { type: 'VALIDER' }, paris('2025-04-12'))),
    ).toMatchObject({
      code: 'DOSSIER_INTROUVABLE',
      kind: 'NOT_FOUND',
    });
    expect(refusalOf(() => transition(marcheSolo, undefined, 'SYSTEM', deposer('A4'), paris('2025-04-12'))).code).toBe(
      'ROLE_NON_AUTORISE',
    );
    expect(
      refusalOf(() => transition(marcheGroupement, s.dossier, A.moe, { type: 'VALIDER' }, paris('2025-04-12'))).code,
    ).toBe('MARCHE_INCOHERENT');
  });

  it('refuses réception dates on a monthly piece, and in the future on a PDF', () => {
    expect(
      refusalOf(() =>
        transition(
          marcheSolo,
          undefined,
          A.titulaire,
          deposer('A4', { receptionNotifieeLe: '2025-04-01' }),
          paris('2025-04-11'),
        ),
      ).code,
    ).toBe('DATE_INVALIDE');
    expect(
      refusalOf(() =>
        transition(
          marcheSolo,
          undefined,
          A.titulaire,
          deposer('A7', { receptionNotifieeLe: '2025-05-01' }),
          paris('2025-04-11'),
        ),
      ).code,
    ).toBe('DATE_INVALIDE');
  });

  it('refuses a PDM (A4) when the marché names no MOE (the A5 goes to the MOA), and any deposit without a service financier', () => {
    const sansMoe = marcheSchema.parse({
      ...marcheSolo,
      receptionDemandesPaiement: 'MOA',
      acteurs: marcheSolo.acteurs.filter((a) => a.role !== 'MOE'),
    });
    const e = open(A.titulaire, 'A4', sansMoe);
    expect(e).toMatchObject({ code: 'CADRE_INADAPTE_AU_CIRCUIT', kind: 'INVALID' });
    expect(e.message).toContain('A5');
    const sansSf = marcheSchema.parse({
      ...marcheSolo,
      acteurs: marcheSolo.acteurs.filter((a) => a.role !== 'SERVICE_FINANCIER'),
    });
    expect(open(A.titulaire, 'A4', sansSf).code).toBe('MARCHE_INCOMPLET');
  });

  it('refuses a malformed action or instant as a DomainError', () => {
    expect(
      refusalOf(() =>
        transition(marcheSolo, undefined, A.titulaire, { type: 'DEPOSER' } as Action, paris('2025-04-11')),
      ).code,
    ).toBe('ACTION_INVALIDE');
    expect(
      refusalOf(() => transition(marcheSolo, undefined, A.titulaire, deposer('A4'), new Date(Number.NaN))).code,
    ).toBe('HORODATAGE_INVALIDE');
  });
});
