import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, type components } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import { formatEuros } from '../ui/format';
import { actionBodyOf, FIELDS, MOTIFS } from './action-fields';
import { Complement } from './Complement';
import { amountCents } from './labels';

type Dossier = components['schemas']['Dossier'];
type Action = Dossier['mesActions'][number];

/** Every action the API offers the structure now, each as a form (If-Match + a fresh Idempotency-Key per submission). */
export function Actions({ dossier }: { dossier: Dossier }) {
  return (
    <section aria-labelledby="actions-titre" className="fr-mb-6w" data-testid="actions">
      <h2 id="actions-titre">Actions</h2>
      {dossier.mesActions.length === 0 ? (
        <p>Votre structure n’a aucune action à faire sur ce dossier à cette étape.</p>
      ) : (
        dossier.mesActions.map((a) =>
          // The answer to a suspension carries its documents: uploaded onto the suspended piece, then named
          a.type === 'COMPLETER' ? (
            <Complement key={a.type} dossier={dossier} libelle={a.libelle} />
          ) : (
            <ActionForm key={a.type} dossier={dossier} action={a} />
          ),
        )
      )}
    </section>
  );
}

function ActionForm({ dossier, action }: { dossier: Dossier; action: Action }) {
  const queryClient = useQueryClient();
  const fields = FIELDS[action.type] ?? [];
  // An action that sends a piece names one of the structure's drafts of this dossier
  const withPiece = action.envoieUnePiece;
  const [values, setValues] = useState<Record<string, string>>({});
  const [pieceId, setPieceId] = useState<string>(dossier.brouillons[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error>();
  const [stale, setStale] = useState(false);
  const [done, setDone] = useState<string>();
  const id = (name: string) => `${action.type}-${name}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setStale(false);
    setDone(undefined);
    // One key per submission: a retried request replays it, a new click is a new submission.
    const header = { 'If-Match': `"${dossier.version}"`, 'Idempotency-Key': crypto.randomUUID() };
    const body = actionBodyOf(action.type, values);
    try {
      const res = withPiece
        ? await api.POST('/v1/dossiers/{dossierId}/pieces/{pieceId}/envoyer', {
            params: { path: { dossierId: dossier.id, pieceId }, header },
            body: body as never,
          })
        : await api.POST('/v1/dossiers/{dossierId}/actions', {
            params: { path: { dossierId: dossier.id }, header },
            body: body as never,
          });
      if (!res.response.ok) throw new ApiError(res.response.status, (res.error ?? {}) as never);
      setDone(`${action.libelle} : c’est fait.`);
      setValues({});
      await queryClient.invalidateQueries({ queryKey: ['dossier', dossier.id] });
      await queryClient.invalidateQueries({ queryKey: ['historique', dossier.id] });
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        // The dossier moved on: read it again, keep what the user typed.
        setStale(true);
        await queryClient.invalidateQueries({ queryKey: ['dossier', dossier.id] });
      } else setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (name: string) =>
    error instanceof ApiError
      ? error.problem.fields?.find((f) => {
          const p = (f.path ?? f.field ?? '').replace(/^body\./, '');
          return p === name || p.startsWith(`${name}.`);
        })?.message
      : undefined;
  const generalError = error && !fields.some((f) => fieldError(f.name)) ? messageOf(error) : undefined;

  return (
    <form onSubmit={submit} className="fr-mb-4w" aria-labelledby={id('titre')} noValidate>
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend" id={id('titre')}>
          {action.libelle}
        </legend>
        {withPiece ? <DraftChoice dossier={dossier} id={id('piece')} value={pieceId} onChange={setPieceId} /> : null}
        {fields.map((f) => {
          const message = fieldError(f.name);
          const common = {
            id: id(f.name),
            name: f.name,
            value: values[f.name] ?? '',
            'aria-describedby':
              [f.hint ? id(`${f.name}-aide`) : '', message ? id(`${f.name}-erreur`) : ''].filter(Boolean).join(' ') ||
              undefined,
            'aria-invalid': message ? true : undefined,
            onChange: (ev: { target: { value: string } }) => setValues({ ...values, [f.name]: ev.target.value }),
          };
          return (
            <div key={f.name} className={`fr-input-group${message ? ' fr-input-group--error' : ''}`}>
              <label className="fr-label" htmlFor={id(f.name)}>
                {f.label}
                {f.optional ? ' (facultatif)' : ''}
                {f.hint ? (
                  <span className="fr-hint-text" id={id(`${f.name}-aide`)}>
                    {f.hint}
                  </span>
                ) : null}
              </label>
              {f.kind === 'motif' ? (
                <select className="fr-select" {...common}>
                  <option value="">Choisissez un motif</option>
                  {MOTIFS.map(([v, l]) => (
                    <option key={v} value={v}>
                      {l}
                    </option>
                  ))}
                </select>
              ) : f.kind === 'textarea' || f.kind === 'lines' ? (
                <textarea className="fr-input" rows={3} {...common} />
              ) : (
                <input
                  className="fr-input"
                  type="text"
                  inputMode={f.kind === 'amount' ? 'decimal' : undefined}
                  {...common}
                />
              )}
              {message ? (
                <p className="fr-error-text" id={id(`${f.name}-erreur`)}>
                  {message}
                </p>
              ) : null}
            </div>
          );
        })}
        {stale ? (
          <div className="fr-alert fr-alert--warning fr-mb-2w" role="alert" data-testid="dossier-modifie">
            <p>
              Le dossier a été modifié entre-temps par quelqu’un d’autre : il vient d’être rechargé. Vérifiez son état,
              puis validez à nouveau si l’action est toujours possible ; votre saisie est conservée.
            </p>
          </div>
        ) : null}
        {generalError ? (
          <div className="fr-alert fr-alert--error fr-mb-2w" role="alert">
            <p>{generalError}</p>
          </div>
        ) : null}
        {done ? (
          <p className="fr-alert fr-alert--success fr-mb-2w" role="status">
            {done}
          </p>
        ) : null}
        <button type="submit" className="fr-btn" disabled={busy || (withPiece && !pieceId)}>
          {action.libelle.charAt(0).toUpperCase() + action.libelle.slice(1)}
        </button>
      </fieldset>
    </form>
  );
}

/** The draft a piece-sending action sends, with its amounts (corrected amounts are those of the draft). */
function DraftChoice(props: { dossier: Dossier; id: string; value: string; onChange: (v: string) => void }) {
  const { dossier, id, value, onChange } = props;
  const draft = useQuery({
    queryKey: ['piece', dossier.id, value],
    enabled: value !== '',
    queryFn: async () => {
      const res = await api.GET('/v1/dossiers/{dossierId}/pieces/{pieceId}', {
        params: { path: { dossierId: dossier.id, pieceId: value } },
      });
      return res.data;
    },
  });
  if (dossier.brouillons.length === 0) {
    return (
      <p className="fr-text--sm">
        Cette action envoie une pièce : préparez-la d’abord en brouillon (cadre, numéro, montants, fichier PDF) ; elle
        apparaîtra ici.
      </p>
    );
  }
  const m = draft.data?.montants;
  return (
    <div className="fr-select-group">
      <label className="fr-label" htmlFor={id}>
        Pièce à envoyer (brouillon de votre structure)
      </label>
      <select className="fr-select" id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {dossier.brouillons.map((b) => (
          <option key={b.id} value={b.id}>
            {b.cadre} n° {b.numero}
          </option>
        ))}
      </select>
      {m ? (
        <p className="fr-text--sm fr-mt-1w" data-testid="montants-brouillon">
          Montants de la pièce : {formatEuros(amountCents(m.ht))} HT, {formatEuros(amountCents(m.tva))} TVA,{' '}
          {formatEuros(amountCents(m.ttc))} TTC
        </p>
      ) : null}
    </div>
  );
}
