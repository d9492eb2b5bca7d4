import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type components } from '../api/client';
import { ApiError, messageOf, unwrap } from '../api/problem';
import { Files } from '../deposit/Files';

type Dossier = components['schemas']['Dossier'];

/**
 * « Compléter », the fournisseur's answer to a suspension: the documents the service financier listed, uploaded
 * onto the suspended piece (within its 120 MB, each with its progress bar and verification), then sent with the
 * dossier's version; the délai global de paiement restarts (CCP R2192-29: max(30 days, the days that were left)) and
 * the DGP block shows the new échéance.
 */
export function Complement({ dossier, libelle }: { dossier: Dossier; libelle: string }) {
  const queryClient = useQueryClient();
  const piece = dossier.pieces.find((p) => p.statut === 'SUSPENDUE') ?? dossier.pieces.at(-1);
  const pieceId = piece?.id ?? '';
  const key = ['piece', dossier.id, pieceId];
  const [uploading, setUploading] = useState(false);
  const q = useQuery({
    queryKey: key,
    enabled: pieceId !== '',
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/dossiers/{dossierId}/pieces/{pieceId}', {
          params: { path: { dossierId: dossier.id, pieceId } },
        }),
      ),
    refetchInterval: uploading ? 1000 : false,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [stale, setStale] = useState(false);
  const added = (q.data?.fichiers ?? []).filter((f) => f.complement && f.verification.statut === 'VERIFIE');
  const waiting = uploading;

  const complete = async () => {
    setBusy(true);
    setError(undefined);
    setStale(false);
    try {
      const res = await api.POST('/v1/dossiers/{dossierId}/actions', {
        params: {
          path: { dossierId: dossier.id },
          header: { 'If-Match': `"${dossier.version}"`, 'Idempotency-Key': crypto.randomUUID() },
        },
        body: { type: 'COMPLETER', fichiers: added.map((f) => f.id) } as never,
      });
      if (!res.response.ok) throw new ApiError(res.response.status, (res.error ?? {}) as never);
      await queryClient.invalidateQueries({ queryKey: ['dossier', dossier.id] });
      await queryClient.invalidateQueries({ queryKey: ['historique', dossier.id] });
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        // The dossier moved on: read it again; the files stay on the piece
        setStale(true);
        await queryClient.invalidateQueries({ queryKey: ['dossier', dossier.id] });
      } else setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="fr-mb-4w" data-testid="complement">
      <h3>{libelle.charAt(0).toUpperCase() + libelle.slice(1)}</h3>
      {dossier.suspension ? (
        <>
          <p>
            Documents demandés par le service financier pour la pièce n° {piece?.numero} : envoyez-les tous, puis
            complétez ; le délai de paiement reprend à la réception de votre réponse complète.
          </p>
          <ul data-testid="documents-manquants">
            {dossier.suspension.documentsManquants.map((doc) => (
              <li key={doc}>{doc}</li>
            ))}
          </ul>
        </>
      ) : null}
      {q.error ? <p className="fr-error-text">{messageOf(q.error)}</p> : null}
      {q.data ? (
        <Files
          draft={q.data}
          supplement
          onBusyChange={setUploading}
          onChanged={() => void queryClient.invalidateQueries({ queryKey: key })}
        />
      ) : null}
      {stale ? (
        <div className="fr-alert fr-alert--warning fr-mb-2w" role="alert">
          <p>Le dossier a été modifié entre-temps : il vient d’être rechargé. Vérifiez-le, puis complétez à nouveau.</p>
        </div>
      ) : null}
      {error ? (
        <div className="fr-alert fr-alert--error fr-mb-2w" role="alert">
          <p>{messageOf(error)}</p>
        </div>
      ) : null}
      <button
        type="button"
        className="fr-btn"
        disabled={busy || waiting || added.length === 0}
        onClick={() => void complete()}
      >
        Compléter avec {added.length} document{added.length > 1 ? 's' : ''}
      </button>
    </div>
  );
}
