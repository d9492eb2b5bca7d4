import { Stepper } from '@codegouvfr/react-dsfr/Stepper';
import { useState } from 'react';
import { Link } from 'react-router';
import type { components } from '../api/client';
import { messageOf } from '../api/problem';
import { downloadCertificate } from '../dossier/certificate';
import { STEPS } from './steps';
import type { Brouillon } from './upload';

/**
 * After « Valider et envoyer »: the sentence of the rule book (« La pièce n° X est validée, elle est en cours de
 * transmission au service concerné »), the certificate number, and the certificate as a PDF, fetched with the
 * session's token and saved by the browser.
 */
export function Recap({ draft, result }: { draft: Brouillon; result: components['schemas']['ResultatAction'] }) {
  const [error, setError] = useState<string>();
  const certificat = result.certificat ?? draft.certificat;
  const download = async () => {
    setError(undefined);
    try {
      await downloadCertificate(draft.dossierId, draft.id, certificat ?? draft.numero);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <>
      <h1>Pièce n° {draft.numero} envoyée</h1>
      <Stepper currentStep={3} stepCount={STEPS.length} title={STEPS[2]} />
      <div className="fr-alert fr-alert--success fr-mb-3w" role="status" data-testid="recap">
        <h2 className="fr-alert__title">
          {result.message ??
            `La pièce n° ${draft.numero} est validée, elle est en cours de transmission au service concerné.`}
        </h2>
        {certificat ? <p>Certificat de dépôt n° {certificat}</p> : null}
      </div>
      {error ? (
        <div className="fr-alert fr-alert--error fr-mb-2w" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      <ul className="fr-btns-group fr-btns-group--inline-md">
        <li>
          <button
            type="button"
            className="fr-btn fr-icon-download-line fr-btn--icon-left"
            onClick={() => void download()}
          >
            Télécharger le certificat de dépôt (PDF)
          </button>
        </li>
        <li>
          <Link className="fr-btn fr-btn--secondary" to={`/dossiers/${encodeURIComponent(result.dossierId)}`}>
            Voir le dossier
          </Link>
        </li>
        <li>
          <Link className="fr-btn fr-btn--tertiary" to="/deposer">
            Déposer une autre pièce
          </Link>
        </li>
      </ul>
    </>
  );
}
