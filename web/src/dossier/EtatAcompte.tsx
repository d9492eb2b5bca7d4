import type { components } from '../api/client';
import { formatAmount } from '../ui/format';

type EtatAcompte = components['schemas']['EtatAcompte'];

function formatTaux(taux: string): string {
  return `${taux.replace(/\.?0+$/, '').replace('.', ',')} %`;
}

/**
 * The lines of a piece's état d'acompte (CCAG-T art. 13.2.1: montant dû = a + b + d + e − (c + f + g)) as a table,
 * with the corrections against the previous piece (the MOE's against the PDM) when there are some.
 */
export function EtatAcompteTable({ numero, etat }: { numero: string; etat: EtatAcompte }) {
  const rows: [string, string][] = [
    ...etat.lignes.flatMap((l): [string, string][] => [
      [`Cumul du mois HT (TVA ${formatTaux(l.tauxTva)})`, l.cumulMoisHt],
      [`Cumul précédent HT (TVA ${formatTaux(l.tauxTva)})`, l.cumulPrecedentHt],
    ]),
    ['a) Acompte HT', etat.acompteHt],
    ['b) TVA', etat.tva],
    ['c) Pénalités', etat.penalites],
    ['d) Révision des prix HT', etat.revisionPrixHt],
    ['e) Avance', etat.avance],
    ["f) Remboursement d'avance", etat.remboursementAvance],
    ['g) Retenue de garantie', etat.retenueGarantie],
    ['Montant TTC (a + b + d)', etat.montantTtc],
    ['Montant dû (a + b + d + e − (c + f + g))', etat.montantDu],
  ];
  return (
    <div className="fr-mt-1w" data-testid="etat-acompte">
      <table className="ft-table">
        <caption>État d’acompte de la pièce n° {numero}</caption>
        <thead>
          <tr>
            <th scope="col">Ligne</th>
            <th scope="col">Montant</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{formatAmount(value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {etat.corrections?.length ? (
        <table className="ft-table fr-mt-1w" data-testid="corrections">
          <caption>Corrections par rapport à la pièce précédente</caption>
          <thead>
            <tr>
              <th scope="col">Ligne</th>
              <th scope="col">Avant</th>
              <th scope="col">Après</th>
              <th scope="col">Écart</th>
            </tr>
          </thead>
          <tbody>
            {etat.corrections.map((c) => (
              <tr key={c.ligne}>
                <th scope="row">{c.ligne}</th>
                <td>{formatAmount(c.avant)}</td>
                <td>{formatAmount(c.apres)}</td>
                <td>{formatAmount(c.ecart)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
