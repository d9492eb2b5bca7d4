import { describe, expect, it } from 'vitest';
import {
  addService,
  changeSiret,
  createStructure,
  enableSpace,
  type Structure,
} from '../../../../shared/domain/structures';
import { errorCode as code, member, OTHER_SIRET, SIRET, structureOf, T0, T1, user } from './fixtures';

describe('structures (docs/rules/structures.md, Chorus Pro: gestion des structures)', () => {
  describe('createStructure', () => {
    it('makes the creator gestionnaire principal, subscribed in MODIFICATION to every enabled space', () => {
      const { structure, gpMembership } = structureOf(user('alice'));
      expect(structure).toMatchObject({ siret: SIRET, active: true, type: 'PUBLIC', createdAt: T0 });
      expect(structure.directory).toEqual({
        codeServiceObligatoire: true,
        engagementObligatoire: true,
        moaPresente: false,
        statutMiseEnPaiementRemonte: false,
      });
      expect(gpMembership).toMatchObject({
        siret: SIRET,
        userId: 'alice',
        status: 'APPROVED',
        role: 'GESTIONNAIRE_PRINCIPAL',
      });
      expect(gpMembership.spaces).toEqual([
        { space: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' },
        { space: 'FACTURES_A_VALIDER', mode: 'MODIFICATION' },
      ]);
    });

    it.each([
      [{ siret: '21300202500013' }, 'SIRET_CLE_INVALIDE'],
      [{ siret: '2130' }, 'SIRET_FORMAT'],
      [{ raisonSociale: '  ' }, 'RAISON_SOCIALE_OBLIGATOIRE'],
      [{ type: 'PRIVE' as const, directory: { engagementObligatoire: true } }, 'PARAMETRES_ANNUAIRE_RESERVES_PUBLIC'],
      [
        {
          services: [
            { code: 'A', libelle: 'a', active: true },
            { code: 'A', libelle: 'b', active: true },
          ],
        },
        'SERVICE_EN_DOUBLE',
      ],
    ])('refuses %j with %s', (patch, expected) => {
      expect(
        code(() =>
          createStructure(
            { siret: OTHER_SIRET, raisonSociale: 'BTP Provence', type: 'PRIVE', ...patch },
            user('a'),
            T0,
          ),
        ),
      ).toBe(expected);
    });

    it('refuses a deactivated creator', () => {
      expect(
        code(() =>
          createStructure({ siret: OTHER_SIRET, raisonSociale: 'X', type: 'PRIVE' }, user('a', { active: false }), T0),
        ),
      ).toBe('UTILISATEUR_INACTIF');
    });
  });

  describe('spaces and services are managed by a gestionnaire', () => {
    const base = (): Structure => ({ ...structureOf().structure, spaces: [] });

    it.each([
      ['GESTIONNAIRE_PRINCIPAL', undefined],
      ['GESTIONNAIRE_SECONDAIRE', undefined],
      ['UTILISATEUR', 'GESTION_RESERVEE_AUX_GESTIONNAIRES'],
    ] as const)('enableSpace by %s → %s', (role, expected) => {
      const run = () => enableSpace(base(), member('m', role), 'FACTURES_A_VALIDER');
      expect(code(run)).toBe(expected);
      if (!expected) expect(run().spaces).toEqual(['FACTURES_A_VALIDER']);
    });

    it('refuses a gestionnaire of another structure', () => {
      expect(
        code(() =>
          enableSpace(base(), member('m', 'GESTIONNAIRE_PRINCIPAL', { siret: OTHER_SIRET }), 'FACTURES_TRAVAUX'),
        ),
      ).toBe('GESTION_RESERVEE_AUX_GESTIONNAIRES');
    });

    it('refuses a pending gestionnaire', () => {
      expect(
        code(() =>
          enableSpace(base(), member('m', 'GESTIONNAIRE_SECONDAIRE', { status: 'PENDING' }), 'FACTURES_TRAVAUX'),
        ),
      ).toBe('GESTION_RESERVEE_AUX_GESTIONNAIRES');
    });

    it('adds a service and refuses a duplicate code', () => {
      const { structure, gpMembership } = structureOf();
      const s = addService(structure, gpMembership, { code: 'DF', libelle: 'Direction financière', active: true });
      expect(s.services.map((x) => x.code)).toEqual(['DGAVE', 'DF']);
      expect(code(() => addService(s, gpMembership, { code: 'DF', libelle: 'bis', active: true }))).toBe(
        'SERVICE_EN_DOUBLE',
      );
    });
  });

  describe('changeSiret (move of an establishment)', () => {
    const NEW_SIRET = '21750001608202';
    const setup = () => {
      const { structure, gpMembership } = structureOf();
      const full: Structure = {
        ...structure,
        mandatFacturation: { mandataireSiret: OTHER_SIRET },
        compteTechnique: { siret: SIRET, login: 'tech-213002025', passwordChangedAt: T0 },
      };
      const memberships = [
        gpMembership,
        member('bob', 'GESTIONNAIRE_SECONDAIRE'),
        member('carol', 'UTILISATEUR', { status: 'PENDING' }),
        member('dave', 'UTILISATEUR', { status: 'REFUSED' }),
        member('erin', 'UTILISATEUR', { siret: OTHER_SIRET }),
      ];
      return { full, memberships };
    };

    it('deactivates the old structure and links both ways', () => {
      const { full, memberships } = setup();
      const r = changeSiret({ structure: full, memberships }, NEW_SIRET, T1);
      expect(r.old).toMatchObject({ siret: SIRET, active: false, deactivatedAt: T1, successorSiret: NEW_SIRET });
      expect(r.old.mandatFacturation).toEqual(full.mandatFacturation);
      expect(r.created).toMatchObject({ siret: NEW_SIRET, active: true, originalSiret: SIRET, createdAt: T1 });
    });

    it('copies data, services, spaces and directory parameters, but not the mandat de facturation nor the technical account', () => {
      const { full, memberships } = setup();
      const { created } = changeSiret({ structure: full, memberships }, NEW_SIRET, T1);
      expect(created.raisonSociale).toBe(full.raisonSociale);
      expect(created.services).toEqual(full.services);
      expect(created.spaces).toEqual(full.spaces);
      expect(created.directory).toEqual(full.directory);
      expect(created.mandatFacturation).toBeUndefined();
      expect(created.compteTechnique).toBeUndefined();
      expect(created.deactivatedAt).toBeUndefined();
      expect(created.successorSiret).toBeUndefined();
    });

    it('copies the approved and pending attachments of that structure, with their roles', () => {
      const { full, memberships } = setup();
      const r = changeSiret({ structure: full, memberships }, NEW_SIRET, T1);
      expect(r.memberships.map((m) => [m.siret, m.userId, m.status, m.role])).toEqual([
        [NEW_SIRET, 'gp', 'APPROVED', 'GESTIONNAIRE_PRINCIPAL'],
        [NEW_SIRET, 'bob', 'APPROVED', 'GESTIONNAIRE_SECONDAIRE'],
        [NEW_SIRET, 'carol', 'PENDING', 'UTILISATEUR'],
      ]);
    });

    it.each([
      [NEW_SIRET.replace(/2$/, '3'), 'SIRET_CLE_INVALIDE'],
      [SIRET, 'SIRET_IDENTIQUE'],
    ])('refuses the new SIRET %s with %s', (newSiret, expected) => {
      const { full, memberships } = setup();
      expect(code(() => changeSiret({ structure: full, memberships }, newSiret, T1))).toBe(expected);
    });

    it('refuses to move a structure that is already deactivated', () => {
      const { full, memberships } = setup();
      const { old } = changeSiret({ structure: full, memberships }, NEW_SIRET, T1);
      expect(code(() => changeSiret({ structure: old, memberships }, OTHER_SIRET, T1))).toBe('STRUCTURE_INACTIVE');
    });
  });
});
