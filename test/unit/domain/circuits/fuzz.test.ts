import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTION_TYPES, type Action, type Dossier, REFUSAL_CODES, transition } from '../../../../shared/domain/circuits';
import { DomainError } from '../../../../shared/domain/errors';
import { ROLES } from '../../../../shared/domain/roles';
import { A, marcheGroupement, marcheSolo, montants, paris, piece, Scenario, SIRET } from './fixtures';

/** Random input never crashes the machine: whatever comes in, a refusal is a DomainError with a documented code. */

function dossiers(): Array<Dossier | undefined> {
  const acompte = new Scenario(marcheSolo);
  acompte.act(A.titulaire, { type: 'DEPOSER', dossierId: 'F1', piece: piece({ cadre: 'A4' }) }, paris('2025-04-11'));
  const examen = acompte.dossier;
  acompte.act(A.moe, { type: 'DEPOSER_ETAT_ACOMPTE', piece: piece({ montants: montants(1000) }) }, paris('2025-04-12'));
  acompte.act(A.moa, { type: 'VALIDER_ETAT_ACOMPTE', piece: piece({ montants: montants(1000) }) }, paris('2025-04-13'));
  const st = new Scenario(marcheGroupement);
  st.act(A.stCotraitant, { type: 'DEPOSER', dossierId: 'F2', piece: piece({ cadre: 'A10' }) }, paris('2025-04-11'));
  const solde = new Scenario(marcheSolo);
  solde.act(A.titulaire, { type: 'DEPOSER', dossierId: 'F3', piece: piece({ cadre: 'A7' }) }, paris('2025-04-11'));
  solde.act(A.moe, { type: 'DEPOSER_PROJET_DECOMPTE_GENERAL', piece: piece() }, paris('2025-04-12'));
  solde.act(A.moa, { type: 'NOTIFIER_DECOMPTE_GENERAL', piece: piece() }, paris('2025-04-13'));
  return [undefined, examen, acompte.dossier, st.dossier, solde.dossier];
}

const sirets = fc.constantFrom(...Object.values(SIRET), '', 'abc');
const actorArb = fc.oneof(fc.constant('SYSTEM' as const), fc.record({ siret: sirets, roles: fc.subarray([...ROLES]) }));
const actionArb = fc.oneof(
  fc.anything(),
  fc.dictionary(
    fc.constantFrom(
      'type',
      'piece',
      'motif',
      'motifs',
      'documents',
      'documentsManquants',
      'siret',
      'cadre',
      'step',
      'x',
    ),
    fc.oneof(
      fc.constantFrom<unknown>(...ACTION_TYPES),
      fc.string(),
      fc.array(fc.string()),
      fc.record({ id: fc.string(), numero: fc.string(), cadre: fc.constantFrom('A4', 'A7', 'A9', 'A15', 'A1', 'Z') }),
      fc.integer(),
    ),
  ),
  fc.constantFrom(...ACTION_TYPES).map((type) => ({ type })),
);
const instantArb = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-01-01T00:00:00Z') });

describe('circuits under random input', () => {
  const corpus = dossiers();

  it('throws nothing but documented DomainErrors, for any action, actor and instant', () => {
    fc.assert(
      fc.property(fc.nat(corpus.length - 1), actorArb, actionArb, instantArb, (i, who, action, now) => {
        for (const marche of [marcheSolo, marcheGroupement]) {
          const dossier = corpus[i];
          if (dossier && dossier.marcheId !== marche.id) continue;
          try {
            const r = transition(marche, dossier, who, action as Action, now);
            expect(r.dossier.version).toBe((dossier?.version ?? 0) + 1);
          } catch (e) {
            expect(e).toBeInstanceOf(DomainError);
            expect(Object.keys(REFUSAL_CODES)).toContain((e as DomainError).code);
          }
        }
      }),
      { numRuns: 3000, seed: 20250411 },
    );
  });
});
