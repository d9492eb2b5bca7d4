import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, type components } from '../api/client';
import { messageOf, unwrap } from '../api/problem';
import { useSiret } from '../app/structure';
import { ErrorNotice } from '../ui/ErrorNotice';
import { formatAmount, formatDate } from '../ui/format';
import { Loading } from '../ui/Loading';
import { NoStructure } from '../ui/NoStructure';
import { usePageTitle } from '../ui/usePageTitle';

type Brouillon = components['schemas']['Brouillons']['brouillons'][number];

export const brouillonsQuery = (siret: string) => ({
  queryKey: ['brouillons', siret],
  queryFn: async () =>
    unwrap(await api.GET('/v1/structures/{siret}/brouillons', { params: { path: { siret }, query: { limite: 200 } } })),
});

const age = (days: number) => (days === 0 ? 'aujourd’hui' : days === 1 ? 'depuis 1 jour' : `depuis ${days} jours`);

/**
 * « Brouillons »: the structure's pieces not sent yet, oldest first to finish; the recipient sees none of them. A
 * draft reopens in the guided deposit (its files and fields) or is deleted at the version read (If-Match), with its
 * own Idempotency-Key.
 */
export default function Brouillons() {
  usePageTitle('Brouillons');
  const siret = useSiret();
  const queryClient = useQueryClient();
  const q = useQuery({ ...brouillonsQuery(siret ?? ''), enabled: !!siret });
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const remove = useMutation({
    mutationFn: async (b: Brouillon) => {
      const res = await api.DELETE('/v1/dossiers/{dossierId}/pieces/{pieceId}', {
        params: {
          path: { dossierId: b.dossierId, pieceId: b.id },
          header: { 'If-Match': `"${b.version}"`, 'Idempotency-Key': crypto.randomUUID() },
        },
      });
      unwrap(res);
      return b;
    },
    onSuccess: (b) =>
      setMessage({ ok: true, text: `Le brouillon n° ${b.numero} est supprimé ; son numéro est libre.` }),
    onError: (e) => setMessage({ ok: false, text: messageOf(e) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['brouillons'] }),
  });
  const rows = q.data?.brouillons ?? [];
  return (
    <>
      <h1>Brouillons</h1>
      <p className="fr-text--lead">
        Les pièces que votre structure a commencé à déposer sans les envoyer. Un brouillon n’est pas transmis : son
        destinataire ne le voit pas tant que vous ne l’avez pas validé et envoyé.
      </p>
      {!siret ? <NoStructure /> : null}
      {q.isPending && siret ? <Loading /> : null}
      {q.error ? <ErrorNotice error={q.error} /> : null}
      {message ? (
        <div className={`fr-alert ${message.ok ? 'fr-alert--success' : 'fr-alert--error'} fr-mb-2w`} role="status">
          <p>{message.text}</p>
        </div>
      ) : null}
      {q.data && rows.length === 0 ? <p>Aucun brouillon : toutes vos pièces sont envoyées.</p> : null}
      {rows.length > 0 ? (
        <div className="fr-table fr-table--bordered ft-table-scroll" data-testid="brouillons">
          <table>
            <caption>
              {rows.length} brouillon{rows.length > 1 ? 's' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Numéro</th>
                <th scope="col">Cadre</th>
                <th scope="col">Créé le</th>
                <th scope="col">Âge</th>
                <th scope="col">Montant TTC</th>
                <th scope="col">Dossier</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((b) => (
                <tr key={b.id}>
                  <td>{b.numero}</td>
                  <td>{b.cadre}</td>
                  <td>{formatDate(b.creeLe)}</td>
                  <td>{age(b.ageJours)}</td>
                  <td className="ft-amount">{formatAmount(b.montants?.ttc)}</td>
                  <td>
                    {b.nouveauDossier ? (
                      'Nouveau dossier (ouvert à l’envoi)'
                    ) : (
                      <Link to={`/dossiers/${encodeURIComponent(b.dossierId)}`}>Ouvrir le dossier</Link>
                    )}
                  </td>
                  <td>
                    <Link
                      className="fr-btn fr-btn--sm fr-btn--secondary fr-mb-1w"
                      to={`/deposer/${encodeURIComponent(b.dossierId)}/${encodeURIComponent(b.id)}`}
                    >
                      Reprendre le brouillon n° {b.numero}
                    </Link>{' '}
                    <button
                      type="button"
                      className="fr-btn fr-btn--sm fr-btn--tertiary"
                      disabled={remove.isPending}
                      onClick={() => {
                        if (window.confirm(`Supprimer le brouillon n° ${b.numero} ?`)) remove.mutate(b);
                      }}
                    >
                      Supprimer le brouillon n° {b.numero}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
