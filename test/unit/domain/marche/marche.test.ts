import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { DomainError } from '../../../../shared/domain/errors';
import {
  acteursOf,
  type Marche,
  marcheObjectSchema,
  marcheSchema,
  parseMarche,
  rolesOf,
} from '../../../../shared/domain/marche';
import { withLuhnKey } from '../identifiers/siret-arbitraries';

const MOA = '21300202500012';
const TITULAIRE = '83876704400012';
const MOE = '53819959700013';
const SOUS_TRAITANT = '21750001608202';
const COTRAITANT = withLuhnKey('4420001234567');
const MANDATAIRE = withLuhnKey('7770009876543');

type Input = Record<string, unknown> & { acteurs: Record<string, unknown>[] };

function marche(patch: Partial<Input> = {}): Input {
  return {
    id: 'm-1',
    numeroMarche: '2025-TRX-014',
    objet: 'Réhabilitation du groupe scolaire Jules-Ferry',
    ccagVersion: '2021',
    acteurs: [
      { role: 'MOA', siret: MOA, raisonSociale: 'Ville de Marseille', codeService: 'DGAVE' },
      { role: 'MOE', siret: MOE, raisonSociale: 'Atelier Archi' },
      { role: 'TITULAIRE', siret: TITULAIRE, raisonSociale: 'BTP Provence' },
      {
        role: 'SOUS_TRAITANT',
        siret: SOUS_TRAITANT,
        raisonSociale: 'Électricité du Sud',
        paiementDirect: true,
        montantSousTraiteTtcCents: 4_800_000,
        valideurSiret: TITULAIRE,
      },
    ],
    groupement: { mode: 'NONE' },
    montantInitialHtCents: 125_000_000,
    tauxTvaBp: [2000],
    retenueGarantieBp: 500,
    dgpJours: 30,
    ...patch,
  };
}

function issues(input: unknown): { path: string; message: string }[] {
  try {
    parseMarche(input);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('MARCHE_INVALIDE');
    return [...(e as DomainError).fields];
  }
  return [];
}
const paths = (input: unknown) => issues(input).map((i) => i.path);

function withActeur(index: number, patch: Record<string, unknown>): Input {
  const m = marche();
  m.acteurs[index] = { ...m.acteurs[index], ...patch };
  return m;
}

describe("fiche d'identité du marché (docs/rules/marche.md)", () => {
  it('parses a complete marché and applies the defaults', () => {
    const m = parseMarche(marche());
    expect(m).toMatchObject({
      typeAcheteur: 'ETAT_COLLECTIVITE',
      delaiMoeJours: 7,
      receptionDemandesPaiement: 'MOE',
      lots: [],
      groupement: { mode: 'NONE', cotraitantBilling: 'OWN_PIECES_WITH_MANDATAIRE_VALIDATION' },
    });
  });

  it.each([
    ['ETAT_COLLECTIVITE', 30, true],
    ['ETAT_COLLECTIVITE', 20, true],
    ['ETAT_COLLECTIVITE', 31, false],
    ['ETAT_COLLECTIVITE', 50, false],
    ['ETABLISSEMENT_SANTE', 50, true],
    ['ETABLISSEMENT_SANTE', 51, false],
    ['ENTREPRISE_PUBLIQUE', 60, true],
    ['ENTREPRISE_PUBLIQUE', 61, false],
  ])(
    'DGP for %s of %d days → valid: %s (CCP R2192-10, R2192-11: a contract may only shorten it)',
    (type, jours, ok) => {
      expect(paths(marche({ typeAcheteur: type, dgpJours: jours }))).toEqual(ok ? [] : ['dgpJours']);
    },
  );

  it.each([
    [15, true],
    [16, false],
  ])('délai MOE of %d days → valid: %s (décret 2013-269 art. 5: 15 days at most)', (jours, ok) => {
    expect(paths(marche({ delaiMoeJours: jours }))).toEqual(ok ? [] : ['delaiMoeJours']);
  });

  it.each([
    [500, true],
    [501, false],
  ])('retenue de garantie of %d bp → valid: %s (CCP R2191-33: 5 % at most)', (bp, ok) => {
    expect(paths(marche({ retenueGarantieBp: bp }))).toEqual(ok ? [] : ['retenueGarantieBp']);
  });

  it.each([
    [{ montantSousTraiteTtcCents: 60_000 }, []],
    [{ montantSousTraiteTtcCents: 59_999 }, ['acteurs.3.paiementDirect']],
    [{ montantSousTraiteTtcCents: undefined }, ['acteurs.3.montantSousTraiteTtcCents']],
    [{ paiementDirect: false, montantSousTraiteTtcCents: 10_000 }, []],
  ])('sous-traitant %j → issues %j (CCP R2193-10: paiement direct from 600 € TTC)', (patch, expected) => {
    expect(paths(withActeur(3, patch))).toEqual(expected);
  });

  it.each([
    ['21300202500013', 'clé de contrôle invalide'],
    ['2130020250001', '14 chiffres attendus'],
  ])('refuses the acteur SIRET %s (INSEE check), saying %s', (siret, words) => {
    const found = issues(withActeur(1, { siret }));
    expect(found.map((i) => i.path)).toEqual(['acteurs.1.siret']);
    expect(found[0]?.message).toContain(words);
  });

  it.each([
    ['no MOA', (m: Input) => m.acteurs.filter((a) => a.role !== 'MOA')],
    ['two MOA', (m: Input) => [...m.acteurs, { role: 'MOA', siret: COTRAITANT, raisonSociale: 'Métropole' }]],
  ])('requires exactly one MOA (%s)', (_label, acteurs) => {
    const m = marche();
    expect(paths({ ...m, acteurs: acteurs(m) })).toEqual(['acteurs']);
  });

  it('requires a titulaire or a mandataire', () => {
    const m = marche();
    m.acteurs = m.acteurs.filter((a) => a.role === 'MOA' || a.role === 'MOE');
    expect(paths(m)).toEqual(['acteurs']);
  });

  it('requires a MOE when payment requests are received by the MOE (CCP R2192-12), not when by the MOA', () => {
    const m = marche();
    m.acteurs = m.acteurs.filter((a) => a.role !== 'MOE');
    expect(paths(m)).toEqual(['receptionDemandesPaiement']);
    expect(paths({ ...m, receptionDemandesPaiement: 'MOA' })).toEqual([]);
  });

  it.each([
    [{ valideurSiret: undefined }, 'missing'],
    [{ valideurSiret: COTRAITANT }, 'not an acteur of the marché'],
  ])('refuses a sous-traitant whose valideur is %j (%s)', (patch, _why) => {
    expect(paths(withActeur(3, patch))).toEqual(['acteurs.3.valideurSiret']);
  });

  it('refuses a second valideur that is not an acteur', () => {
    expect(paths(withActeur(3, { valideur2Siret: COTRAITANT }))).toEqual(['acteurs.3.valideur2Siret']);
  });

  describe('groupement', () => {
    function groupement(withMandataire: boolean, cotraitantValideur?: string): Input {
      const m = marche({ groupement: { mode: 'CONJOINT' } });
      if (withMandataire) m.acteurs.push({ role: 'MANDATAIRE', siret: MANDATAIRE, raisonSociale: 'Mandataire SA' });
      m.acteurs.push({
        role: 'COTRAITANT',
        siret: COTRAITANT,
        raisonSociale: 'Plomberie Réunie',
        valideurSiret: cotraitantValideur,
      });
      return m;
    }

    it('accepts a groupement with its mandataire validating the cotraitant', () => {
      expect(paths(groupement(true, MANDATAIRE))).toEqual([]);
    });

    it('requires a mandataire when the groupement mode is not NONE', () => {
      expect(paths(groupement(false, TITULAIRE))).toEqual(['groupement.mode']);
    });

    it('requires the cotraitant to name a valideur among the acteurs', () => {
      expect(paths(groupement(true))).toEqual(['acteurs.5.valideurSiret']);
      expect(paths(groupement(true, '83876704400020'))).toEqual(['acteurs.5.valideurSiret']);
    });
  });

  it('lists every cross-field fault at once', () => {
    const m = withActeur(1, { siret: '12' });
    expect(paths({ ...m, dgpJours: 45, delaiMoeJours: 20, retenueGarantieBp: 700 }).sort()).toEqual(
      ['acteurs.1.siret', 'dgpJours', 'delaiMoeJours', 'retenueGarantieBp'].sort(),
    );
  });

  it('reports type faults with French messages and dotted paths', () => {
    const found = issues({ ...marche(), ccagVersion: '2014', acteurs: [{ role: 'MOA' }] });
    expect(found.map((i) => i.path)).toEqual(
      expect.arrayContaining(['ccagVersion', 'acteurs.0.siret', 'acteurs.0.raisonSociale']),
    );
    expect(found.find((i) => i.path === 'acteurs.0.siret')?.message).toMatch(/attendu/);
  });

  it('throws MARCHE_INVALIDE for a non-object input', () => {
    expect(paths(null)).toEqual(['marche']);
    expect(() => parseMarche('x')).toThrow(expect.objectContaining({ code: 'MARCHE_INVALIDE', kind: 'INVALID' }));
  });

  it('marcheSchema carries the cross-field checks; marcheObjectSchema can still be picked', () => {
    expect(marcheSchema.safeParse(marche({ dgpJours: 45 })).success).toBe(false);
    expect(z.pick(marcheObjectSchema, { id: true }).parse({ id: 'm-1' })).toEqual({ id: 'm-1' });
  });

  describe('acteursOf / rolesOf', () => {
    const m: Marche = parseMarche(
      marche({
        acteurs: [
          ...marche().acteurs,
          { role: 'SERVICE_FINANCIER', siret: MOA, raisonSociale: 'Ville de Marseille, DF' },
        ],
      }),
    );

    it('lists the acteurs of a role', () => {
      expect(acteursOf(m, 'SOUS_TRAITANT').map((a) => a.siret)).toEqual([SOUS_TRAITANT]);
      expect(acteursOf(m, 'COTRAITANT')).toEqual([]);
    });

    it('lists every role a structure holds, in ROLES order', () => {
      expect(rolesOf(m, MOA)).toEqual(['MOA', 'SERVICE_FINANCIER']);
      expect(rolesOf(m, TITULAIRE)).toEqual(['TITULAIRE']);
      expect(rolesOf(m, COTRAITANT)).toEqual([]);
    });
  });
});
