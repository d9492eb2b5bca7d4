import { Link } from 'react-router';
import type { components } from '../api/client';
import { ApiError } from '../api/problem';
import { chosenAction, type FollowUpChoice, pieceActionsOf } from './follow-up';

/**
 * A follow-up piece's draft (an état d'acompte A15, an A19, a DG signed A8…) sent from the deposit screen: the
 * actions of the dossier that send a piece and that the structure may take now, one of them chosen (offered as a
 * choice when there are several, e.g. signing the DG with or without reserves), with the fields it needs. Sending
 * carries the dossier's version read (If-Match): a dossier that moved on is read again, and what was typed is kept.
 */

type Dossier = components['schemas']['Dossier'];

export function FollowUp(props: {
  dossier: Dossier | undefined;
  loading: boolean;
  choice: FollowUpChoice;
  onChoice: (c: FollowUpChoice) => void;
  error?: unknown;
}) {
  const { dossier, choice, onChoice, error } = props;
  if (props.loading) return <p className="fr-text--sm">Lecture du dossier…</p>;
  const offered = pieceActionsOf(dossier);
  const type = chosenAction(dossier, choice);
  const link = dossier ? <Link to={`/dossiers/${encodeURIComponent(dossier.id)}`}>Voir le dossier</Link> : null;
  if (offered.length === 0) {
    return (
      <p className="fr-text--sm" data-testid="suite-impossible">
        Votre structure n’a, à cette étape du dossier, aucune action qui envoie cette pièce : elle reste en brouillon.{' '}
        {link}
      </p>
    );
  }
  const fieldError = (name: string) => (error instanceof ApiError ? error.fieldMessage(name) : undefined);
  const memoireError = fieldError('memoireReclamation');
  const sommesError = fieldError('sommesAdmises');
  return (
    <section aria-labelledby="suite-titre" className="fr-mb-3w" data-testid="suite">
      <h2 id="suite-titre">Ce que fait cette pièce</h2>
      <p className="fr-text--sm">
        Elle suit la pièce précédente du dossier (version {dossier?.version} lue). {link}
      </p>
      {offered.length === 1 ? (
        <p>
          <strong>{offered[0]?.libelle}</strong>
        </p>
      ) : (
        <fieldset className="fr-fieldset" aria-labelledby="suite-choix">
          <legend className="fr-fieldset__legend" id="suite-choix">
            Choisissez l’action que cette pièce accomplit
          </legend>
          {offered.map((a) => (
            <div className="fr-fieldset__element" key={a.type}>
              <div className="fr-radio-group">
                <input
                  type="radio"
                  id={`suite-${a.type}`}
                  name="suite"
                  value={a.type}
                  checked={type === a.type}
                  onChange={() => onChoice({ ...choice, type: a.type })}
                />
                <label className="fr-label" htmlFor={`suite-${a.type}`}>
                  {a.libelle.charAt(0).toUpperCase() + a.libelle.slice(1)}
                </label>
              </div>
            </div>
          ))}
        </fieldset>
      )}
      {type === 'SIGNER_DG_AVEC_RESERVES' ? (
        <>
          <div className={`fr-input-group${memoireError ? ' fr-input-group--error' : ''}`}>
            <label className="fr-label" htmlFor="suite-memoire">
              Mémoire en réclamation (réserves)
            </label>
            <textarea
              id="suite-memoire"
              className="fr-input"
              rows={3}
              maxLength={10_000}
              value={choice.memoireReclamation ?? ''}
              aria-describedby={memoireError ? 'suite-memoire-erreur' : undefined}
              onChange={(e) => onChoice({ ...choice, memoireReclamation: e.target.value })}
            />
            {memoireError ? (
              <p className="fr-error-text" id="suite-memoire-erreur">
                {memoireError}
              </p>
            ) : null}
          </div>
          <div className={`fr-input-group${sommesError ? ' fr-input-group--error' : ''}`}>
            <label className="fr-label" htmlFor="suite-sommes">
              Sommes admises (€)
              <span className="fr-hint-text">Exemple : 1188.00</span>
            </label>
            <input
              id="suite-sommes"
              className="fr-input"
              inputMode="decimal"
              maxLength={20}
              value={choice.sommesAdmises ?? ''}
              aria-describedby={sommesError ? 'suite-sommes-erreur' : undefined}
              onChange={(e) => onChoice({ ...choice, sommesAdmises: e.target.value })}
            />
            {sommesError ? (
              <p className="fr-error-text" id="suite-sommes-erreur">
                {sommesError}
              </p>
            ) : null}
          </div>
        </>
      ) : null}
    </section>
  );
}
