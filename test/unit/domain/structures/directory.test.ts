import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../shared/domain/errors';
import {
  assertAddresseeParameters,
  type DirectoryParams,
  NO_DIRECTORY_PARAMS,
} from '../../../../shared/domain/structures';
import { structureOf } from './fixtures';

const params = (p: Partial<DirectoryParams>): { directory: DirectoryParams } => ({
  directory: { ...NO_DIRECTORY_PARAMS, ...p },
});

function fault(f: () => void): DomainError | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  return undefined;
}

describe("addressee's directory parameters (docs/rules/structures.md#directory: a missing mandatory reference is refused)", () => {
  it.each([
    [{}, {}, undefined],
    [{ codeServiceObligatoire: true }, { codeService: 'DGAVE' }, undefined],
    [{ codeServiceObligatoire: true }, {}, 'CODE_SERVICE_OBLIGATOIRE'],
    [{ codeServiceObligatoire: true }, { codeService: '  ' }, 'CODE_SERVICE_OBLIGATOIRE'],
    [{ engagementObligatoire: true }, { engagementJuridique: '1300012345' }, undefined],
    [{ engagementObligatoire: true }, { codeService: 'X' }, 'ENGAGEMENT_OBLIGATOIRE'],
    [{ engagementObligatoire: true }, { engagementJuridique: '' }, 'ENGAGEMENT_OBLIGATOIRE'],
  ])('parameters %j, deposit %j → %s', (p, refs, expected) => {
    expect(fault(() => assertAddresseeParameters(params(p), refs))?.code).toBe(expected);
  });

  it('lists both faults when both are missing, under the code of the first', () => {
    const e = fault(() =>
      assertAddresseeParameters(params({ codeServiceObligatoire: true, engagementObligatoire: true }), {}),
    );
    expect(e?.code).toBe('CODE_SERVICE_OBLIGATOIRE');
    expect(e?.fields.map((f) => f.path)).toEqual(['codeService', 'engagementJuridique']);
    expect(e?.kind).toBe('INVALID');
  });

  it("checks the code service against the structure's active services when they are given", () => {
    const { structure } = structureOf();
    expect(
      fault(() => assertAddresseeParameters(structure, { codeService: 'DGAVE', engagementJuridique: '1' })),
    ).toBeUndefined();
    const e = fault(() => assertAddresseeParameters(structure, { codeService: 'INCONNU', engagementJuridique: '1' }));
    expect(e?.code).toBe('CODE_SERVICE_INCONNU');
    expect(e?.message).toContain('DGAVE');
    const closed = { ...structure, services: [{ code: 'DGAVE', libelle: 'x', active: false }] };
    expect(
      fault(() => assertAddresseeParameters(closed, { codeService: 'DGAVE', engagementJuridique: '1' }))?.code,
    ).toBe('CODE_SERVICE_INCONNU');
  });

  it('names the addressee in the message', () => {
    const { structure } = structureOf();
    expect(fault(() => assertAddresseeParameters(structure, { codeService: 'DGAVE' }))?.message).toContain(
      'Ville de Marseille (21300202500012)',
    );
  });
});
