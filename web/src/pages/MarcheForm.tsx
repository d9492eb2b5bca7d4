import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import { ApiError, messageOf, unwrap } from '../api/problem';
import { useStructure } from '../app/structure';
import { ActeursFields } from '../marche/ActeursFields';
import { fieldMessages } from '../marche/errors';
import { FicheFields } from '../marche/FicheFields';
import { bodyOf, type FicheForm, ficheOf, type Marche, newFiche } from '../marche/fiche-form';
import { ErrorNotice } from '../ui/ErrorNotice';
import { Loading } from '../ui/Loading';
import { NoStructure } from '../ui/NoStructure';
import { usePageTitle } from '../ui/usePageTitle';

/**
 * Creating (« nouveau ») or amending (« modifier », an avenant) the fiche d'identité of a marché. The API checks
 * everything (POST /v1/marches, PUT /v1/marches/{id} with If-Match); each of its messages is shown next to its field.
 * When someone else amended the fiche meanwhile (412), it is read again and what the user typed stays in the form.
 */
export default function MarcheForm() {
  const { marcheId } = useParams();
  usePageTitle(marcheId ? 'Modifier la fiche du marché' : 'Créer la fiche d’un marché');
  const { current } = useStructure();
  const q = useQuery({
    queryKey: ['marche', marcheId],
    enabled: !!marcheId,
    queryFn: async () =>
      unwrap(await api.GET('/v1/marches/{marcheId}', { params: { path: { marcheId: marcheId ?? '' } } })),
  });
  if (!marcheId) {
    if (!current) return <NoStructure />;
    return (
      <Editor
        initial={newFiche({ siret: current.siret, raisonSociale: current.raisonSociale ?? '' })}
        stored={undefined}
      />
    );
  }
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorNotice error={q.error} title="Ce marché n’a pas pu être chargé" />;
  return <Editor initial={ficheOf(q.data)} stored={q.data} />;
}

function Editor({ initial, stored }: { initial: FicheForm; stored: Marche | undefined }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [fiche, setFiche] = useState(initial);
  const [error, setError] = useState<unknown>();
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const { at, others, count } = fieldMessages(error);

  useEffect(() => {
    if ((error || stale) && summary.current) summary.current.focus();
  }, [error, stale]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setStale(false);
    try {
      const body = bodyOf(fiche);
      const saved = stored
        ? unwrap(
            await api.PUT('/v1/marches/{marcheId}', {
              params: { path: { marcheId: stored.id }, header: { 'If-Match': `"${stored.version}"` } },
              body,
            }),
          )
        : unwrap(
            await api.POST('/v1/marches', { params: { header: { 'Idempotency-Key': crypto.randomUUID() } }, body }),
          );
      queryClient.setQueryData(['marche', saved.id], saved);
      await queryClient.invalidateQueries({ queryKey: ['marches'] });
      navigate(`/marches/${encodeURIComponent(saved.id)}`, { state: { enregistre: true } });
    } catch (err) {
      if (err instanceof ApiError && err.status === 412 && stored) {
        setStale(true);
        await queryClient.invalidateQueries({ queryKey: ['marche', stored.id] });
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const title = stored ? `Modifier la fiche du marché ${stored.numeroMarche}` : 'Créer la fiche d’un marché';
  return (
    <>
      <p>
        <Link to={stored ? `/marches/${encodeURIComponent(stored.id)}` : '/marches'}>
          {stored ? 'Retour à la fiche' : 'Retour aux marchés'}
        </Link>
      </p>
      <h1>{title}</h1>
      <p>
        {stored
          ? 'Un avenant remplace la fiche entière. Les dossiers déjà ouverts gardent les paramètres en vigueur à leur ouverture.'
          : 'Votre structure est le maître d’ouvrage du marché. Les pièces du marché seront contrôlées selon cette fiche.'}
      </p>
      <div ref={summary} tabIndex={-1} data-testid="resume-erreurs">
        {stale ? (
          <Alert
            severity="warning"
            small
            description="La fiche a été modifiée par quelqu’un d’autre entre-temps : nous l’avons rechargée et gardé votre saisie. Vérifiez-la et enregistrez de nouveau."
            className="fr-mb-2w"
          />
        ) : null}
        {error ? (
          <Alert
            severity="error"
            title={count > 0 ? `La fiche comporte ${count} erreur(s)` : 'La fiche n’a pas été enregistrée'}
            description={
              count > 0 ? (
                <>
                  Corrigez les champs signalés ci-dessous puis enregistrez de nouveau.
                  {others.length ? (
                    <ul>
                      {others.map((m) => (
                        <li key={m}>{m}</li>
                      ))}
                    </ul>
                  ) : null}
                </>
              ) : (
                messageOf(error)
              )
            }
            className="fr-mb-2w"
          />
        ) : null}
      </div>
      <form onSubmit={submit} noValidate data-testid="fiche-marche">
        <FicheFields fiche={fiche} onChange={(patch) => setFiche({ ...fiche, ...patch })} message={at} />
        <ActeursFields acteurs={fiche.acteurs} onChange={(acteurs) => setFiche({ ...fiche, acteurs })} message={at} />
        <Button type="submit" disabled={busy}>
          {stored ? 'Enregistrer l’avenant' : 'Créer le marché'}
        </Button>
      </form>
    </>
  );
}
