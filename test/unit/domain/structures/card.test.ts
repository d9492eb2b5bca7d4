import { describe, expect, it } from 'vitest';
import {
  createStructure,
  createUser,
  recordLogin,
  updateService,
  updateStructureCard,
} from '../../../../shared/domain/structures';
import { errorCode, member, OTHER_SIRET, structureOf, T0, T1, user } from './fixtures';

describe('the structure’s card kept by its gestionnaires (docs/rules/structures.md#directory)', () => {
  it('lets the GP or a GS change the raison sociale and directory parameters, keeping the others', () => {
    const { structure, gpMembership } = structureOf();
    const byGp = updateStructureCard(structure, gpMembership, {
      raisonSociale: '  Ville de Marseille — DGAVE ',
      directory: { moaPresente: true },
    });
    expect(byGp.raisonSociale).toBe('Ville de Marseille — DGAVE');
    // codeServiceObligatoire and engagementObligatoire were true at creation (fixtures), moaPresente now true
    expect(byGp.directory).toEqual({
      codeServiceObligatoire: true,
      engagementObligatoire: true,
      moaPresente: true,
      statutMiseEnPaiementRemonte: false,
    });
    const byGs = updateStructureCard(structure, member('gs', 'GESTIONNAIRE_SECONDAIRE'), {
      directory: { engagementObligatoire: false },
    });
    expect(byGs.directory.engagementObligatoire).toBe(false);
    expect(byGs.raisonSociale).toBe('Ville de Marseille');
  });

  it('refuses a plain member, another structure’s GP, an empty name, and directory parameters on a private structure', () => {
    const { structure, gpMembership } = structureOf();
    expect(errorCode(() => updateStructureCard(structure, member('u', 'UTILISATEUR'), { raisonSociale: 'X' }))).toBe(
      'GESTION_RESERVEE_AUX_GESTIONNAIRES',
    );
    expect(
      errorCode(() => updateStructureCard(structure, { ...gpMembership, siret: OTHER_SIRET }, { raisonSociale: 'X' })),
    ).toBe('GESTION_RESERVEE_AUX_GESTIONNAIRES');
    expect(errorCode(() => updateStructureCard(structure, gpMembership, { raisonSociale: '   ' }))).toBe(
      'RAISON_SOCIALE_OBLIGATOIRE',
    );
    const gp = user('gp');
    const prive = createStructure({ siret: OTHER_SIRET, raisonSociale: 'SARL Bâtir', type: 'PRIVE' }, gp, T0);
    expect(
      errorCode(() =>
        updateStructureCard(prive.structure, prive.membership, { directory: { codeServiceObligatoire: true } }),
      ),
    ).toBe('PARAMETRES_ANNUAIRE_RESERVES_PUBLIC');
  });

  it('refuses any change on a deactivated structure', () => {
    const { structure, gpMembership } = structureOf();
    const closed = { ...structure, active: false, deactivatedAt: T1 };
    expect(errorCode(() => updateStructureCard(closed, gpMembership, { raisonSociale: 'X' }))).toBe(
      'STRUCTURE_INACTIVE',
    );
  });
});

describe('services: renamed or switched off, never deleted (docs/rules/structures.md#directory)', () => {
  it('deactivates a service and renames it, the other fields unchanged', () => {
    const { structure, gpMembership } = structureOf();
    const off = updateService(structure, gpMembership, 'DGAVE', { active: false });
    expect(off.services).toEqual([{ code: 'DGAVE', libelle: 'Direction des bâtiments', active: false }]);
    const renamed = updateService(off, gpMembership, 'DGAVE', { libelle: ' Bâtiments ' });
    expect(renamed.services).toEqual([{ code: 'DGAVE', libelle: 'Bâtiments', active: false }]);
  });

  it('refuses an unknown code and a non-gestionnaire', () => {
    const { structure, gpMembership } = structureOf();
    expect(errorCode(() => updateService(structure, gpMembership, 'INCONNU', { active: false }))).toBe(
      'SERVICE_INCONNU',
    );
    expect(errorCode(() => updateService(structure, member('u', 'UTILISATEUR'), 'DGAVE', { active: false }))).toBe(
      'GESTION_RESERVEE_AUX_GESTIONNAIRES',
    );
  });
});

describe('sign-ins (« Dernière connexion le … »)', () => {
  it('keeps the sign-in before the last one as the previous one', () => {
    const first = recordLogin(createUser({ id: 'u1', loginAddress: 'jd@exemple.fr' }, T0), T0);
    expect(first.lastLoginAt).toEqual(T0);
    expect(first.previousLoginAt).toBeUndefined();
    const second = recordLogin(first, T1);
    expect(second).toMatchObject({ lastLoginAt: T1, previousLoginAt: T0 });
    const T2 = new Date('2025-03-05T08:00:00Z');
    expect(recordLogin(second, T2)).toMatchObject({ lastLoginAt: T2, previousLoginAt: T1 });
  });
});
