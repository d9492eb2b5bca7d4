import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import { api } from '../api/client';
import { messageOf, unwrap } from '../api/problem';

/**
 * « Télécharger le dossier de preuve »: the API builds the ZIP from what the platform holds now (PDF report, documents
 * and their SHA-256 manifest, audit trail and its verification, a draft claim letter) and answers a short link to it;
 * the browser then downloads it. Offered on every dossier, first of all on a late one.
 */
export function EvidencePack({ dossierId, late }: { dossierId: string; late: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<{ documents: number; conformes: boolean; piste: boolean }>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const pack = unwrap(
        await api.GET('/v1/dossiers/{dossierId}/dossier-de-preuve', { params: { path: { dossierId } } }),
      );
      setDone({ documents: pack.documents, conformes: pack.documentsConformes, piste: pack.pisteIntegre });
      window.location.assign(pack.url);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="preuve-titre" className="fr-mb-6w" data-testid="dossier-de-preuve">
      <h2 id="preuve-titre">Dossier de preuve</h2>
      <p>
        {late
          ? 'Ce paiement est en retard. Le dossier de preuve réunit ce qu’il faut pour réclamer les intérêts moratoires et l’indemnité forfaitaire : '
          : 'Une archive de ce que la plateforme conserve sur ce dossier : '}
        un rapport PDF (délai calculé pas à pas, avec ses sources), les documents et leurs empreintes SHA-256, la piste
        d’audit et sa vérification, et un projet de lettre de réclamation.
      </p>
      <Button
        priority={late ? 'primary' : 'secondary'}
        iconId="fr-icon-download-line"
        onClick={download}
        disabled={busy}
      >
        {busy ? 'Constitution du dossier de preuve…' : 'Télécharger le dossier de preuve'}
      </Button>
      {done ? (
        <Alert
          severity={done.conformes && done.piste ? 'success' : 'warning'}
          small
          className="fr-mt-2w"
          description={`Dossier de preuve constitué : ${done.documents} document(s) ; ${
            done.conformes
              ? 'chaque document correspond à son empreinte de dépôt'
              : 'un document ne correspond plus à son empreinte de dépôt'
          } ; ${done.piste ? 'piste d’audit intègre' : 'la piste d’audit ne se vérifie pas (voir le rapport)'}.`}
        />
      ) : null}
      {error ? <Alert severity="error" small className="fr-mt-2w" description={messageOf(error)} /> : null}
    </section>
  );
}
