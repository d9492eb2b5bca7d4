import { ApiError } from '../api/problem';

/**
 * The API's messages for the fields of the fiche (`fields[].path` in the request's own names, e.g. `dgpJours`,
 * `tauxTva.1`, `acteurs.2.siret`), and which of them the form shows next to a field: the others go in the summary.
 */
export type FieldMessage = (path: string) => string | undefined;

const pathOf = (f: { path?: string; field?: string }) => (f.path ?? f.field ?? '').replace(/^body\./, '');

/** Paths shown next to a field: list fields (tauxTva, lots, avance, groupement) collect their items' messages. */
const SHOWN =
  /^(numeroMarche|objet|ccagVersion|typeAcheteur|montantInitialHt|retenueGarantie|dgpJours|delaiMoeJours|receptionDemandesPaiement|dateNotification|acteurs|(tauxTva|lots|avance|groupement)(\..+)?|acteurs\.\d+\.(role|siret|raisonSociale|codeService|engagementJuridique|valideurSiret|valideur2Siret|paiementDirect|montantSousTraiteTtc))$/;

const GROUPED = ['tauxTva', 'lots', 'avance', 'groupement'];

export function fieldMessages(error: unknown): { at: FieldMessage; others: string[]; count: number } {
  const fields = error instanceof ApiError ? (error.problem.fields ?? []) : [];
  const at: FieldMessage = (name) => {
    const grouped = GROUPED.includes(name);
    const found = fields.filter((f) => {
      const p = pathOf(f);
      return p === name || (grouped && p.startsWith(`${name}.`));
    });
    return found.length ? found.map((f) => f.message).join(' ') : undefined;
  };
  const others = fields.filter((f) => !SHOWN.test(pathOf(f))).map((f) => f.message ?? '');
  return { at, others, count: fields.length };
}
