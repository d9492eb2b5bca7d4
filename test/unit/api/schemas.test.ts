import { describe, expect, it } from 'vitest';
import { toAttente } from '../../../functions/api/tableaux';
import { DomainError } from '../../../shared/domain/errors';
import { parseMarche } from '../../../shared/domain/marche';
import { frenchErrorMap } from '../../../shared/http/zod-fr';
import {
  ficheMarcheEntree,
  marcheJson,
  rate,
  toMarcheJson,
  toRateString,
  toWireFields,
} from '../../../shared/schemas/marche';
import { demoMarche } from '../../../shared/seed/demo';

/** Wire forms of the marché (shared/schemas/marche.ts) and of a wait in the Synthèse (functions/api/tableaux.ts). */

describe('rates at the API', () => {
  it('reads a percentage with at most two decimals as basis points', () => {
    expect(rate.parse('20')).toBe(2000);
    expect(rate.parse('5.5')).toBe(550);
    expect(rate.parse('0.05')).toBe(5);
    expect(rate.parse('100.00')).toBe(10_000);
  });

  it('refuses a decimal comma, three decimals, a sign, spaces, in French', () => {
    for (const bad of ['5,5', '5.555', '-1', ' 5', '5 ', '', '.5', '1e2']) {
      const r = rate.safeParse(bad, { error: frenchErrorMap });
      expect(r.success, bad).toBe(false);
      expect(r.error?.issues[0]?.message, bad).toMatch(/Taux|invalide|pourcentage/);
    }
  });

  it('writes basis points with two decimals', () => {
    expect([2000, 550, 5, 0, 10_000].map(toRateString)).toEqual(['20.00', '5.50', '0.05', '0.00', '100.00']);
  });
});

describe('the fiche du marché at the API', () => {
  it('round-trips: stored fiche → wire → request → the same fiche', () => {
    const marche = parseMarche({ ...demoMarche(), avance: { tauxBp: 1000, remboursementDebutBp: 6500 } });
    const wire = toMarcheJson({
      marche,
      version: 3,
      createdAt: '2025-01-15T09:00:00.000Z',
      createdBy: 'u-1',
      updatedAt: '2025-02-01T09:00:00.000Z',
    });
    expect(marcheJson.safeParse(wire).success).toBe(true);
    expect(wire).toMatchObject({
      montantInitialHt: '684500.00',
      tauxTva: ['20.00'],
      retenueGarantie: '5.00',
      avance: { taux: '10.00', remboursementDebut: '65.00' },
      groupement: { mode: 'CONJOINT', facturationCotraitants: 'PIECES_PROPRES_VALIDEES_PAR_MANDATAIRE' },
    });
    expect(wire.acteurs.find((a) => a.role === 'SOUS_TRAITANT')?.montantSousTraiteTtc).toBe('54000.00');
    const { id, version: _v, creeLe: _c, creePar: _p, modifieLe: _m, ...request } = wire;
    const back = parseMarche({ ...ficheMarcheEntree.parse(request), id });
    expect(back).toEqual(marche);
  });

  it('renames the rule book’s field paths to the wire names', () => {
    const e = new DomainError('MARCHE_INVALIDE', 'x', 'INVALID', [
      { path: 'retenueGarantieBp', message: 'a' },
      { path: 'acteurs.3.montantSousTraiteTtcCents', message: 'b' },
      { path: 'avance.tauxBp', message: 'c' },
      { path: 'dgpJours', message: 'd' },
    ]);
    const renamed = toWireFields(e) as DomainError;
    expect(renamed).toBeInstanceOf(DomainError);
    expect(renamed.code).toBe('MARCHE_INVALIDE');
    expect(renamed.fields.map((f) => f.path)).toEqual([
      'retenueGarantie',
      'acteurs.3.montantSousTraiteTtc',
      'avance.taux',
      'dgpJours',
    ]);
    const other = new Error('boom');
    expect(toWireFields(other)).toBe(other);
  });
});

describe('a wait in the Synthèse', () => {
  const pending = {
    step: 'MOE_HORS_DELAI',
    actorSiret: '53819959700013',
    actorRole: 'MANDATAIRE',
    allowedActions: ['SAISIR_MOA_DIRECTEMENT'],
    otherActors: [{ actorSiret: '83876704400012', actorRole: 'MOE', allowedActions: ['DEPOSER_ETAT_ACOMPTE'] }],
    dossierVersion: 2,
    deadlineAt: '9999-12-31T23:59:59.999Z',
    lastDay: null,
    reminderAt: null,
    onTimeout: null,
    lateSince: null,
  };

  it('shows a wait without deadline as such, and the others who may act', () => {
    expect(toAttente('53819959700013', 'D1', pending)).toEqual({
      dossierId: 'D1',
      versionDossier: 2,
      etape: 'MOE_HORS_DELAI',
      role: 'MANDATAIRE',
      actions: ['SAISIR_MOA_DIRECTEMENT'],
      echeance: null,
      dernierJour: null,
      rappelLe: null,
      enRetardDepuis: null,
      effetALEcheance: null,
      autresActeurs: [{ siret: '83876704400012', role: 'MOE', actions: ['DEPOSER_ETAT_ACOMPTE'] }],
    });
  });

  it('seen by another actor, lists its own actions and the primary among the others', () => {
    const seen = toAttente('83876704400012', 'D1', pending);
    expect(seen.role).toBe('MOE');
    expect(seen.actions).toEqual(['DEPOSER_ETAT_ACOMPTE']);
    expect(seen.autresActeurs).toEqual([
      { siret: '53819959700013', role: 'MANDATAIRE', actions: ['SAISIR_MOA_DIRECTEMENT'] },
    ]);
  });

  it('merges the actions of a structure that acts in two roles at the same step', () => {
    const both = toAttente('21300202500012', 'D2', {
      ...pending,
      step: 'DEPOT_DGD_TACITE',
      actorSiret: '21300202500012',
      actorRole: 'MOE',
      allowedActions: ['DEPOSER_DGD_TACITE'],
      otherActors: [
        {
          actorSiret: '21300202500012',
          actorRole: 'MOA',
          allowedActions: ['DEPOSER_DGD_TACITE', 'NOTIFIER_DECOMPTE_GENERAL'],
        },
      ],
      deadlineAt: '2025-04-30T21:59:59.999Z',
    });
    expect(both.actions).toEqual(['DEPOSER_DGD_TACITE', 'NOTIFIER_DECOMPTE_GENERAL']);
    expect(both.autresActeurs).toEqual([]);
    expect(both.echeance).toBe('2025-04-30T21:59:59.999Z');
  });
});
