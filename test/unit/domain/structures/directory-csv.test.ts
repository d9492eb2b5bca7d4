import { describe, expect, it } from 'vitest';
import { directoryCsv } from '../../../../shared/domain/structures/directory-csv';

const PARAMS = {
  codeServiceObligatoire: true,
  engagementObligatoire: false,
  moaPresente: true,
  statutMiseEnPaiementRemonte: false,
};

describe('the directory as CSV (docs/rules/structures.md#directory)', () => {
  it('writes a BOM, the French header, « ; » separators, CRLF line ends and oui / non', () => {
    const csv = directoryCsv([{ siret: '21300202500012', raisonSociale: 'Commune d’Arles', directory: PARAMS }]);
    expect(csv).toBe(
      '\uFEFFSIRET;Raison sociale;Code service obligatoire;Engagement juridique obligatoire;MOA présente;Statut de mise en paiement remonté\r\n' +
        '21300202500012;Commune d’Arles;oui;non;oui;non\r\n',
    );
  });

  it('quotes a name holding « ; » or a quote, and neutralises one that starts like a formula', () => {
    const csv = directoryCsv([
      { siret: '21300202500012', raisonSociale: 'Eau; "Assainissement"', directory: PARAMS },
      { siret: '21750001608202', raisonSociale: '@SOMME(A1)', directory: PARAMS },
      { siret: '53819959700013', raisonSociale: '-1+1', directory: PARAMS },
    ]);
    expect(csv.split('\r\n').slice(1)).toEqual([
      '21300202500012;"Eau; ""Assainissement""";oui;non;oui;non',
      "21750001608202;'@SOMME(A1);oui;non;oui;non",
      "53819959700013;'-1+1;oui;non;oui;non",
      '',
    ]);
  });

  it('has only the header for an empty directory', () => {
    expect(directoryCsv([]).split('\r\n')).toHaveLength(2);
  });
});
