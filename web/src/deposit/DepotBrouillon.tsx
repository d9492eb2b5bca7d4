import { Stepper } from '@codegouvfr/react-dsfr/Stepper';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, type components } from '../api/client';
import { ApiError, messageOf, unwrap } from '../api/problem';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Loading } from '../ui/Loading';
import { usePageTitle } from '../ui/usePageTitle';
import { Champs, editOf, patchDraft, type Typed } from './Champs';
import { Files } from './Files';
import { FollowUp } from './FollowUp';
import { chosenAction, type FollowUpChoice, followUpBody } from './follow-up';
import { Recap } from './Recap';
import { STEPS } from './steps';
import type { Brouillon } from './upload';

type Resultat = components['schemas']['ResultatAction'];

const pieceQuery = (dossierId: string, pieceId: string) => ({
  queryKey: ['piece', dossierId, pieceId],
  queryFn: async (): Promise<Brouillon> =>
    unwrap(await api.GET('/v1/dossiers/{dossierId}/pieces/{pieceId}', { params: { path: { dossierId, pieceId } } })),
});

/**
 * « Déposer », step 2 and 3, for a draft just created or reopened from *Brouillons*: its files and fields, then
 * *Annuler*, *Enregistrer en mode Brouillon* or *Valider et envoyer*, and the recap with the deposit certificate.
 */
export default function DepotBrouillon() {
  usePageTitle('Déposer une pièce');
  const { dossierId = '', pieceId = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const nouveau = (location.state as { nouveau?: boolean } | null)?.nouveau === true;
  const [uploading, setUploading] = useState(false);
  // Files being sent from this screen: read the piece again until each is verified or refused
  const q = useQuery({ ...pieceQuery(dossierId, pieceId), refetchInterval: uploading ? 1000 : false });
  const [typed, setTyped] = useState<Typed>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [sent, setSent] = useState<Resultat>();
  const [choice, setChoice] = useState<FollowUpChoice>({});
  // A follow-up piece is sent by an action of its dossier, at the dossier's version: read it
  const followUp = q.data !== undefined && !q.data.nouveauDossier && !q.data.envoyee;
  const dossierQ = useQuery({
    queryKey: ['dossier', dossierId],
    enabled: followUp,
    queryFn: async () => unwrap(await api.GET('/v1/dossiers/{dossierId}', { params: { path: { dossierId } } })),
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['piece', dossierId, pieceId] });
    if (followUp) void queryClient.invalidateQueries({ queryKey: ['dossier', dossierId] });
  };

  if (sent && q.data) return <Recap draft={q.data} result={sent} />;
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorNotice error={q.error} title="Cette pièce n’a pas pu être ouverte" />;
  const draft = q.data;
  if (draft.envoyee) {
    return (
      <>
        <h1>Pièce n° {draft.numero}</h1>
        <p>
          Cette pièce est déjà envoyée.{' '}
          <Link to={`/dossiers/${encodeURIComponent(draft.dossierId)}`}>Voir le dossier</Link>
        </p>
      </>
    );
  }

  /** Runs a change of the draft; a stale version reloads the draft and keeps what was typed. */
  const run = async (work: (d: Brouillon) => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await work(draft);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && (e.status === 412 || e.status === 409)) refresh();
    } finally {
      setBusy(false);
    }
  };
  const saved = async (d: Brouillon): Promise<Brouillon> => {
    const body = editOf(d, typed);
    if (!body) return d;
    const updated = await patchDraft(d, body);
    queryClient.setQueryData(['piece', dossierId, pieceId], updated);
    setTyped({});
    return updated;
  };
  const accept = (which: string[]) =>
    run(async (d) => {
      const updated = await patchDraft(d, { appliquerSuggestions: which });
      queryClient.setQueryData(['piece', dossierId, pieceId], updated);
      // An accepted suggestion replaces what was typed in its fields
      const drop = new Set(which.flatMap((w) => (w === 'montants' ? ['ht', 'tva', 'ttc'] : [w])));
      setTyped((t) => Object.fromEntries(Object.entries(t).filter(([k]) => !drop.has(k))));
    });
  const save = () =>
    run(async (d) => {
      const updated = await saved(d);
      setNotice(
        `Le brouillon n° ${updated.numero} est enregistré. Il n’est pas envoyé : son destinataire ne le voit pas.`,
      );
      void queryClient.invalidateQueries({ queryKey: ['brouillons'] });
    });
  const send = () =>
    run(async (d) => {
      const updated = await saved(d);
      // First piece: opens the dossier. Follow-up piece: the chosen action, at the dossier's version read
      const type = d.nouveauDossier ? undefined : chosenAction(dossierQ.data, choice);
      if (!d.nouveauDossier && (!type || !dossierQ.data)) return;
      const result = unwrap(
        await api.POST('/v1/dossiers/{dossierId}/pieces/{pieceId}/envoyer', {
          params: {
            path: { dossierId: updated.dossierId, pieceId: updated.id },
            header: {
              'Idempotency-Key': crypto.randomUUID(),
              ...(type && dossierQ.data ? { 'If-Match': `"${dossierQ.data.version}"` } : {}),
            },
          },
          body: (type ? followUpBody(type, choice) : {}) as never,
        }),
      );
      void queryClient.invalidateQueries({ queryKey: ['dossier', dossierId] });
      queryClient.setQueryData(['piece', dossierId, pieceId], { ...updated, envoyee: true });
      void queryClient.invalidateQueries({ queryKey: ['brouillons'] });
      setSent(result);
    });
  const cancel = () =>
    run(async (d) => {
      if (nouveau) {
        // Abandoning a deposit just started leaves nothing behind: its number is freed, its files released
        if (!window.confirm(`Abandonner le dépôt de la pièce n° ${d.numero} ? Ses fichiers seront supprimés.`)) return;
        unwrap(
          await api.DELETE('/v1/dossiers/{dossierId}/pieces/{pieceId}', {
            params: {
              path: { dossierId: d.dossierId, pieceId: d.id },
              header: { 'If-Match': `"${d.version}"`, 'Idempotency-Key': crypto.randomUUID() },
            },
          }),
        );
        void queryClient.invalidateQueries({ queryKey: ['brouillons'] });
        navigate('/deposer');
      } else navigate('/brouillons');
    });

  const main = draft.fichiers.find((f) => f.role === 'PRINCIPAL' && f.verification.statut === 'VERIFIE');
  const waiting = uploading;
  const sendable = draft.nouveauDossier || chosenAction(dossierQ.data, choice) !== undefined;
  return (
    <>
      <h1>
        Déposer la pièce n° {draft.numero} ({draft.cadre})
      </h1>
      <Stepper currentStep={2} stepCount={STEPS.length} title={STEPS[1]} nextTitle={STEPS[2]} />
      <p className="fr-badge fr-badge--info fr-mb-2w">Brouillon : non envoyé</p>
      <Files draft={draft} onChanged={refresh} onBusyChange={setUploading} />
      <Champs
        draft={draft}
        typed={typed}
        onType={setTyped}
        error={error}
        busy={busy}
        onAccept={(w) => void accept(w)}
      />
      {draft.nouveauDossier ? null : (
        <FollowUp
          dossier={dossierQ.data}
          loading={dossierQ.isPending}
          choice={choice}
          onChoice={setChoice}
          error={error}
        />
      )}
      {error ? (
        <div className="fr-alert fr-alert--error fr-mb-2w" role="alert">
          <p>
            {error instanceof ApiError && error.status === 412 && !draft.nouveauDossier
              ? 'Le dossier a été modifié entre-temps : il vient d’être relu, votre saisie est conservée. Vérifiez l’action proposée, puis validez à nouveau.'
              : messageOf(error)}
          </p>
        </div>
      ) : null}
      {notice ? (
        <div className="fr-alert fr-alert--success fr-mb-2w" role="status">
          <p>
            {notice} <Link to="/brouillons">Voir mes brouillons</Link>
          </p>
        </div>
      ) : null}
      {!main ? (
        <p className="fr-text--sm" data-testid="envoi-impossible">
          {waiting
            ? 'Un fichier est en cours de vérification : l’envoi sera possible une fois le fichier principal vérifié.'
            : 'Ajoutez le fichier principal (un PDF texte) : la pièce ne peut pas être envoyée sans lui.'}
        </p>
      ) : null}
      <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--right">
        <li>
          <button type="button" className="fr-btn fr-btn--tertiary" disabled={busy} onClick={() => void cancel()}>
            Annuler
          </button>
        </li>
        <li>
          <button type="button" className="fr-btn fr-btn--secondary" disabled={busy} onClick={() => void save()}>
            Enregistrer en mode Brouillon
          </button>
        </li>
        <li>
          <button
            type="button"
            className="fr-btn"
            disabled={busy || !main || waiting || !sendable}
            onClick={() => void send()}
          >
            Valider et envoyer
          </button>
        </li>
      </ul>
    </>
  );
}
