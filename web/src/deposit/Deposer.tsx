import { Stepper } from '@codegouvfr/react-dsfr/Stepper';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { ApiError, messageOf, unwrap } from '../api/problem';
import { useSiret } from '../app/structure';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Loading } from '../ui/Loading';
import { NoStructure } from '../ui/NoStructure';
import { usePageTitle } from '../ui/usePageTitle';
import { STEPS } from './steps';

/**
 * « Déposer », step 1: the marché, then the cadre — only those the structure may use now to open a dossier, each
 * with its one line, the others listed with why they are not offered — and the piece's number. « Continuer »
 * creates the draft (its number reserved) and goes on to its files and fields.
 */
export default function Deposer() {
  usePageTitle('Déposer une pièce');
  const siret = useSiret();
  const navigate = useNavigate();
  const [marcheId, setMarcheId] = useState('');
  const [cadre, setCadre] = useState('');
  const [numero, setNumero] = useState('');
  const marches = useQuery({
    queryKey: ['marches', siret],
    enabled: !!siret,
    queryFn: async () =>
      unwrap(await api.GET('/v1/structures/{siret}/marches', { params: { path: { siret: siret ?? '' } } })),
  });
  const list = marches.data?.marches ?? [];
  const chosen = marcheId || (list.length === 1 ? (list[0]?.id ?? '') : '');
  const cadres = useQuery({
    queryKey: ['cadres-deposables', siret, chosen],
    enabled: !!siret && !!chosen,
    queryFn: async () =>
      unwrap(await api.GET('/v1/marches/{marcheId}/cadres-deposables', { params: { path: { marcheId: chosen } } })),
  });
  const offered = cadres.data?.cadres.filter((c) => c.deposable) ?? [];
  const others = cadres.data?.cadres.filter((c) => !c.deposable) ?? [];
  const chosenCadre = offered.some((c) => c.code === cadre) ? cadre : offered.length === 1 ? offered[0]?.code : '';

  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/marches/{marcheId}/pieces', {
          params: { path: { marcheId: chosen }, header: { 'Idempotency-Key': crypto.randomUUID() } },
          body: { cadre: chosenCadre ?? '', numero: numero.trim() },
        }),
      ),
    onSuccess: (draft) =>
      navigate(`/deposer/${encodeURIComponent(draft.dossierId)}/${encodeURIComponent(draft.id)}`, {
        state: { nouveau: true },
      }),
  });
  const numeroError = create.error instanceof ApiError ? create.error.fieldMessage('numero') : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen && chosenCadre && numero.trim()) create.mutate();
  };

  return (
    <>
      <h1>Déposer une pièce</h1>
      <Stepper currentStep={1} stepCount={STEPS.length} title={STEPS[0]} nextTitle={STEPS[1]} />
      {!siret ? <NoStructure /> : null}
      {marches.isPending && siret ? <Loading /> : null}
      {marches.error ? <ErrorNotice error={marches.error} /> : null}
      {marches.data && list.length === 0 ? <p>Votre structure n’est partie à aucun marché : rien à déposer.</p> : null}
      {list.length > 0 ? (
        <form onSubmit={submit} data-testid="depot-cadre">
          <div className="fr-select-group">
            <label className="fr-label" htmlFor="depot-marche">
              Marché
            </label>
            <select
              id="depot-marche"
              className="fr-select"
              value={chosen}
              onChange={(e) => {
                setMarcheId(e.target.value);
                setCadre('');
              }}
            >
              <option value="" disabled>
                Choisissez le marché
              </option>
              {list.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.numeroMarche} — {m.objet}
                </option>
              ))}
            </select>
          </div>
          {cadres.isPending && chosen ? <Loading /> : null}
          {cadres.error ? <ErrorNotice error={cadres.error} title="Vous ne pouvez pas déposer sur ce marché" /> : null}
          {cadres.data ? (
            <fieldset className="fr-fieldset" aria-labelledby="depot-cadre-legende">
              <legend className="fr-fieldset__legend" id="depot-cadre-legende">
                Cadre de facturation
                <span className="fr-hint-text">Ceux que votre structure peut déposer maintenant sur ce marché.</span>
              </legend>
              {offered.length === 0 ? (
                <p className="fr-fieldset__element">Aucun cadre ne vous permet d’ouvrir un dossier sur ce marché.</p>
              ) : null}
              {offered.map((c) => (
                <div className="fr-fieldset__element" key={c.code}>
                  <div className="fr-radio-group">
                    <input
                      type="radio"
                      id={`cadre-${c.code}`}
                      name="cadre"
                      value={c.code}
                      checked={chosenCadre === c.code}
                      onChange={() => setCadre(c.code)}
                    />
                    <label className="fr-label" htmlFor={`cadre-${c.code}`}>
                      {c.code} — {c.libelle}
                      <span className="fr-hint-text">{c.explication}</span>
                    </label>
                  </div>
                </div>
              ))}
            </fieldset>
          ) : null}
          {others.length > 0 ? (
            <details className="fr-mb-3w" data-testid="cadres-non-proposes">
              <summary>Cadres non proposés ({others.length}) et pourquoi</summary>
              <ul>
                {others.map((c) => (
                  <li key={c.code}>
                    <strong>
                      {c.code} — {c.libelle}
                    </strong>{' '}
                    : {c.explication}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          <div className={`fr-input-group${numeroError ? ' fr-input-group--error' : ''}`}>
            <label className="fr-label" htmlFor="depot-numero">
              Numéro de la pièce
              <span className="fr-hint-text">
                1 à 35 caractères : lettres, chiffres et + - _ . Vous pourrez le corriger, ou reprendre celui lu dans le
                PDF.
              </span>
            </label>
            <input
              id="depot-numero"
              className={`fr-input${numeroError ? ' fr-input--error' : ''}`}
              value={numero}
              maxLength={35}
              required
              aria-describedby={numeroError ? 'depot-numero-erreur' : undefined}
              onChange={(e) => setNumero(e.target.value)}
            />
            {numeroError ? (
              <p className="fr-error-text" id="depot-numero-erreur">
                {numeroError}
              </p>
            ) : null}
          </div>
          {create.error && !numeroError ? (
            <div className="fr-alert fr-alert--error fr-mb-2w" role="alert">
              <p>{messageOf(create.error)}</p>
            </div>
          ) : null}
          <button type="submit" className="fr-btn" disabled={!chosenCadre || !numero.trim() || create.isPending}>
            Continuer
          </button>
        </form>
      ) : null}
    </>
  );
}
