import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import { useStructure } from '../app/structure';
import { PreferencesNotifications } from '../notifications/Preferences';
import { formatDate, formatDateTime, formatSiret } from '../ui/format';
import { usePageTitle } from '../ui/usePageTitle';
import { ESPACE_LABEL, fieldMessage, ifMatch, MODE_LABEL, ROLE_LABEL, STATUT_LABEL, send } from './common';

/**
 * « Mon compte »: the login address (read-only: it identifies the account), the contact address that receives the
 * notifications (editable, If-Match; a stale version is read again without losing what was typed), how each kind of
 * notification is e-mailed, the previous sign-in, and the user's structures with its role and modes.
 */
export default function MonCompte() {
  usePageTitle('Mon compte');
  const queryClient = useQueryClient();
  const { moi } = useStructure();
  const u = moi.utilisateur;
  const [contact, setContact] = useState(u.adresseContact);
  const [error, setError] = useState<unknown>();
  const [stale, setStale] = useState(false);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setStale(false);
    setDone(false);
    try {
      await send(
        api.PATCH('/v1/moi', {
          params: { header: ifMatch(u.version) },
          body: { adresseContact: contact.trim() === '' ? null : contact.trim() },
        }),
      );
      setDone(true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) setStale(true);
      else setError(err);
    } finally {
      await queryClient.invalidateQueries({ queryKey: ['moi'] });
      setBusy(false);
    }
  };
  const contactError = fieldMessage(error, 'adresseContact');
  return (
    <>
      <h1>Mon compte</h1>
      <dl className="ft-facts" data-testid="mon-compte">
        <dt>Adresse de connexion</dt>
        <dd>
          {u.adresseConnexion}
          <span className="fr-hint-text">Elle identifie votre compte et ne peut pas être modifiée.</span>
        </dd>
        <dt>Dernière connexion</dt>
        <dd>{u.connexionPrecedenteLe ? `le ${formatDateTime(u.connexionPrecedenteLe)}` : 'Première connexion'}</dd>
        <dt>Compte créé le</dt>
        <dd>{formatDate(u.creeLe)}</dd>
      </dl>
      <form onSubmit={submit} noValidate className="ft-form-narrow fr-mt-4w">
        <Input
          label="Adresse de contact"
          hintText="Elle reçoit les notifications. Laissez vide pour revenir à l’adresse de connexion."
          state={contactError ? 'error' : 'default'}
          stateRelatedMessage={contactError}
          nativeInputProps={{
            type: 'email',
            name: 'adresseContact',
            autoComplete: 'email',
            value: contact,
            maxLength: 254,
            onChange: (ev) => setContact(ev.target.value),
          }}
        />
        {stale ? (
          <Alert
            severity="warning"
            small
            description="Votre compte a été modifié entre-temps : nous l’avons rechargé et gardé votre saisie. Enregistrez de nouveau."
            className="fr-mb-2w"
          />
        ) : null}
        {error && !contactError ? (
          <Alert severity="error" small description={messageOf(error)} className="fr-mb-2w" />
        ) : null}
        {done ? (
          <Alert severity="success" small description="Adresse de contact enregistrée." className="fr-mb-2w" />
        ) : null}
        <Button type="submit" disabled={busy}>
          Enregistrer
        </Button>
      </form>
      <PreferencesNotifications />
      <h2 className="fr-mt-6w">Mes structures</h2>
      {moi.structures.length === 0 ? (
        <p>Aucune structure.</p>
      ) : (
        <ul>
          {moi.structures.map((s) => (
            <li key={s.siret}>
              {formatSiret(s.siret)} - {s.raisonSociale ?? ''} : {ROLE_LABEL[s.role]}, {STATUT_LABEL[s.statut]}
              {s.espaces.length
                ? ` ; ${s.espaces.map((e) => `${ESPACE_LABEL[e.espace]} en ${MODE_LABEL[e.mode]}`).join(', ')}`
                : ''}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
