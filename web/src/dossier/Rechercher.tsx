import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { ApiError, unwrap } from '../api/problem';
import { useSiret } from '../app/structure';
import { marchesQuery } from '../pages/Marches';
import { ErrorNotice } from '../ui/ErrorNotice';
import { formatDate, formatEuros, formatSiret } from '../ui/format';
import { Loading } from '../ui/Loading';
import { usePageTitle } from '../ui/usePageTitle';
import { amountCents, statusLabel } from './labels';

/** The criteria of the form, as the API names them (GET /v1/dossiers). */
const CRITERIA = [
  { name: 'numero', label: 'Numéro de pièce (début)', type: 'text' },
  { name: 'deposant', label: 'SIRET du déposant', type: 'text' },
  { name: 'depuis', label: 'Ouvert depuis le', type: 'date' },
  { name: 'jusqua', label: 'Ouvert jusqu’au', type: 'date' },
] as const;

const STATUTS = [
  ['', 'Tous les statuts'],
  ['MISE_A_DISPOSITION_MOE', 'Mise à disposition du maître d’œuvre'],
  ['MISE_A_DISPOSITION_MOA', 'Mise à disposition du maître d’ouvrage'],
  ['A_VALIDER_1', 'À valider'],
  ['MISE_A_DISPOSITION', 'Mise à disposition du service financier'],
  ['SERVICE_FAIT', 'Service fait'],
  ['MANDATEE', 'Mandatée'],
  ['SUSPENDUE', 'Suspendue'],
  ['COMPLETEE', 'Complétée'],
  ['A_RECYCLER', 'À recycler'],
  ['MISE_EN_PAIEMENT', 'Mise en paiement'],
  ['REJETEE', 'Rejetée'],
] as const;

type Criteria = Record<string, string>;

/** Every criterion the page keeps in its address (`/rechercher?statut=SUSPENDUE`), as the API names it. */
const CRITERIA_KEYS = ['marche', ...CRITERIA.map((c) => c.name), 'statut', 'enRetard'] as const;

/** The criteria an address asks for (the Tableau de bord's counts link here with `?statut=…`). */
function criteriaOf(params: URLSearchParams): Criteria {
  const criteria: Criteria = {};
  for (const key of CRITERIA_KEYS) {
    const value = params.get(key)?.trim();
    if (value) criteria[key] = value;
  }
  return criteria;
}

/**
 * « Rechercher »: the structure's dossiers by marché, numéro, état, déposant, dates, « en retard »; paginated. The
 * criteria live in the address, so that a count of the Tableau de bord opens its list and a search can be shared.
 */
export function Rechercher() {
  usePageTitle('Rechercher');
  const siret = useSiret();
  const [params, setParams] = useSearchParams();
  const criteria = criteriaOf(params);
  const search = params.toString();
  const [form, setForm] = useState<Criteria>(criteria);
  const [cursors, setCursors] = useState<string[]>([]);
  // A new address (a link followed, a search submitted, « Précédent »): its criteria fill the form, from page 1
  const [shown, setShown] = useState(search);
  if (shown !== search) {
    setShown(search);
    setForm(criteria);
    setCursors([]);
  }
  const page = useQuery({
    queryKey: ['recherche', siret, criteria, cursors.at(-1)],
    enabled: siret !== undefined,
    queryFn: async () => {
      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries(criteria)) if (v) query[k] = v;
      const suivant = cursors.at(-1);
      if (suivant) query.suivant = suivant;
      return unwrap(await api.GET('/v1/dossiers', { params: { query: query as never } }));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(criteriaOf(new URLSearchParams(form)));
    setCursors([]);
  };
  const fieldError = (name: string) =>
    page.error instanceof ApiError
      ? (page.error.fieldMessage(`query.${name}`) ?? page.error.fieldMessage(name))
      : undefined;
  const set = (name: string, value: string) => setForm({ ...form, [name]: value });

  return (
    <>
      <h1>Rechercher</h1>
      <form onSubmit={submit} className="fr-mb-4w" aria-label="Critères de recherche">
        <div className="fr-grid-row fr-grid-row--gutters">
          <MarcheCriterion siret={siret} value={form.marche ?? ''} onChange={(v) => set('marche', v)} />
          {CRITERIA.map((c) => (
            <div key={c.name} className="fr-col-12 fr-col-md-4">
              <div className={`fr-input-group${fieldError(c.name) ? ' fr-input-group--error' : ''}`}>
                <label className="fr-label" htmlFor={`critere-${c.name}`}>
                  {c.label}
                </label>
                <input
                  className="fr-input"
                  id={`critere-${c.name}`}
                  type={c.type}
                  value={form[c.name] ?? ''}
                  onChange={(e) => set(c.name, e.target.value)}
                />
                {fieldError(c.name) ? <p className="fr-error-text">{fieldError(c.name)}</p> : null}
              </div>
            </div>
          ))}
          <div className="fr-col-12 fr-col-md-4">
            <div className="fr-select-group">
              <label className="fr-label" htmlFor="critere-statut">
                État
              </label>
              <select
                className="fr-select"
                id="critere-statut"
                value={form.statut ?? ''}
                onChange={(e) => set('statut', e.target.value)}
              >
                {STATUTS.map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
                {form.statut && !STATUTS.some(([v]) => v === form.statut) ? (
                  <option value={form.statut}>{statusLabel(form.statut)}</option>
                ) : null}
              </select>
            </div>
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <div className="fr-checkbox-group fr-mt-4w">
              <input
                type="checkbox"
                id="critere-retard"
                checked={form.enRetard === 'true'}
                onChange={(e) => set('enRetard', e.target.checked ? 'true' : '')}
              />
              <label className="fr-label" htmlFor="critere-retard">
                En retard seulement
              </label>
            </div>
          </div>
        </div>
        <button type="submit" className="fr-btn fr-mt-2w">
          Rechercher
        </button>
      </form>
      {siret === undefined ? (
        <p>Aucune structure rattachée : la recherche porte sur les dossiers d’une structure.</p>
      ) : null}
      {page.isFetching && !page.data ? <Loading label="Recherche en cours…" /> : null}
      {page.error && !(page.error instanceof ApiError && page.error.problem.fields?.length) ? (
        <ErrorNotice error={page.error} title="La recherche n’a pas abouti" />
      ) : null}
      {page.data ? (
        <>
          <p role="status" aria-live="polite">
            {page.data.dossiers.length === 0
              ? 'Aucun dossier ne correspond à ces critères sur cette page.'
              : `${page.data.dossiers.length} dossier${page.data.dossiers.length > 1 ? 's' : ''} sur cette page (page ${cursors.length + 1}).`}
          </p>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1; axe scrollable-region-focusable) */}
          <section className="ft-table-scroll" aria-label="Dossiers trouvés" tabIndex={0}>
            <table className="ft-table" data-testid="resultats">
              <caption>Dossiers trouvés, les plus récents d’abord</caption>
              <thead>
                <tr>
                  <th scope="col">Numéro</th>
                  <th scope="col">Ouvert le</th>
                  <th scope="col">Fournisseur</th>
                  <th scope="col">État</th>
                  <th scope="col">Montant TTC</th>
                  <th scope="col">Retard</th>
                </tr>
              </thead>
              <tbody>
                {page.data.dossiers.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Link to={`/dossiers/${d.id}`}>
                        {d.pieceCourante ? `${d.pieceCourante.cadre} n° ${d.pieceCourante.numero}` : d.id}
                      </Link>
                    </td>
                    <td>{formatDate(d.ouvertLe)}</td>
                    <td>{formatSiret(d.fournisseurSiret)}</td>
                    <td>{d.libelleEtat}</td>
                    <td>{formatEuros(amountCents(d.montantTtc))}</td>
                    <td className={d.enRetard ? 'ft-late' : undefined}>{d.enRetard ? 'en retard' : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <nav className="fr-pagination" aria-label="Pagination des résultats">
            <ul className="fr-pagination__list">
              <li>
                <button
                  type="button"
                  className="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"
                  disabled={cursors.length === 0}
                  onClick={() => setCursors(cursors.slice(0, -1))}
                >
                  Page précédente
                </button>
              </li>
              <li>
                <button
                  type="button"
                  className="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
                  disabled={!page.data.suivant}
                  onClick={() => page.data.suivant && setCursors([...cursors, page.data.suivant])}
                >
                  Page suivante
                </button>
              </li>
            </ul>
          </nav>
        </>
      ) : null}
    </>
  );
}

/** The marché criterion: the structure's marchés by numéro and objet (the API takes the marché's identifier). */
function MarcheCriterion(props: { siret: string | undefined; value: string; onChange: (value: string) => void }) {
  const marches = useQuery(marchesQuery(props.siret)).data?.marches ?? [];
  const known = props.value === '' || marches.some((m) => m.id === props.value);
  return (
    <div className="fr-col-12 fr-col-md-4">
      <div className="fr-select-group">
        <label className="fr-label" htmlFor="critere-marche">
          Marché
        </label>
        <select
          className="fr-select"
          id="critere-marche"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        >
          <option value="">Tous les marchés</option>
          {marches.map((m) => (
            <option key={m.id} value={m.id}>
              {m.numeroMarche} — {m.objet}
            </option>
          ))}
          {known ? null : <option value={props.value}>Marché {props.value}</option>}
        </select>
      </div>
    </div>
  );
}
