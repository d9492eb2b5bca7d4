import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { messageOf } from '../api/problem';
import { ErrorNotice } from '../ui/ErrorNotice';
import { formatDate, formatDateTime } from '../ui/format';
import { Loading } from '../ui/Loading';
import {
  ESPACE_LABEL,
  idempotency,
  type Membre,
  MODE_LABEL,
  type ModeEspace,
  ROLE_LABEL,
  type Structure,
  send,
} from './common';

type Props = { structure: Structure; gp: boolean; myId: string };

const who = (m: Membre) => m.utilisateur?.adresseConnexion ?? m.userId;

/**
 * Members and rattachement requests: a gestionnaire accepts or refuses a request and sets each member's mode per
 * space (Consultation / Modification); the GP also names gestionnaires secondaires and hands over its own role.
 */
export function Membres({ structure, gp, myId }: Props) {
  const queryClient = useQueryClient();
  const key = ['membres', structure.siret];
  const q = useQuery({
    queryKey: key,
    queryFn: async () =>
      send(api.GET('/v1/structures/{siret}/membres', { params: { path: { siret: structure.siret } } })),
  });
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async (label: string, request: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      await request();
      setDone(label);
    } catch (err) {
      setError(err);
    } finally {
      await queryClient.invalidateQueries({ queryKey: key });
      await queryClient.invalidateQueries({ queryKey: ['moi'] });
      setBusy(false);
    }
  };
  if (q.isPending) return <Loading label="Chargement des membres…" />;
  if (q.error) return <ErrorNotice error={q.error} />;
  const pending = q.data.membres.filter((m) => m.statut === 'EN_ATTENTE');
  const members = q.data.membres.filter((m) => m.statut === 'ACCEPTE');
  const ctx = { structure, gp, myId, busy, run };
  return (
    <section aria-labelledby="membres-titre" className="fr-mb-6w">
      <h2 id="membres-titre">Membres et rattachements</h2>
      <div aria-live="polite">
        {error ? <Alert severity="error" small description={messageOf(error)} className="fr-mb-2w" /> : null}
        {done ? <Alert severity="success" small description={done} className="fr-mb-2w" /> : null}
      </div>
      <h3>Demandes de rattachement</h3>
      {pending.length === 0 ? (
        <p>Aucune demande en attente.</p>
      ) : (
        <div className="fr-table fr-table--bordered ft-table-scroll" data-testid="demandes">
          <table>
            <caption>Demandes en attente de votre décision</caption>
            <thead>
              <tr>
                <th scope="col">Utilisateur</th>
                <th scope="col">Demandée le</th>
                <th scope="col">Espaces demandés</th>
                <th scope="col">Décision</th>
              </tr>
            </thead>
            <tbody>
              {pending.map((m) => (
                <Demande key={m.userId} m={m} {...ctx} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Membres</h3>
      <div className="fr-table fr-table--bordered ft-table-scroll" data-testid="membres">
        <table>
          <caption>Membres rattachés, leur rôle et leur mode dans chaque espace</caption>
          <thead>
            <tr>
              <th scope="col">Utilisateur</th>
              <th scope="col">Rôle</th>
              <th scope="col">Dernière connexion</th>
              <th scope="col">Espaces</th>
              {gp ? <th scope="col">Rôle de gestionnaire</th> : null}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <MembreRow key={m.userId} m={m} {...ctx} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

type RowProps = Props & {
  m: Membre;
  busy: boolean;
  run: (label: string, request: () => Promise<unknown>) => Promise<void>;
};

function Demande({ m, structure, gp, busy, run }: RowProps) {
  const [asGs, setAsGs] = useState(false);
  const decide = (decision: 'ACCEPTER' | 'REFUSER') =>
    run(decision === 'ACCEPTER' ? `Demande de ${who(m)} acceptée.` : `Demande de ${who(m)} refusée.`, () =>
      send(
        api.POST('/v1/structures/{siret}/rattachements/{userId}/decision', {
          params: {
            path: { siret: structure.siret, userId: m.userId },
            header: { ...idempotency(), 'If-Match': `"${m.version}"` },
          },
          body: { decision, ...(decision === 'ACCEPTER' && asGs ? { role: 'GESTIONNAIRE_SECONDAIRE' as const } : {}) },
        }),
      ),
    );
  const id = `gs-${m.userId}`;
  return (
    <tr>
      <td>{who(m)}</td>
      <td>{formatDate(m.demandeLe)}</td>
      <td>{m.espaces.map((e) => `${ESPACE_LABEL[e.espace]} (${MODE_LABEL[e.mode]})`).join(', ') || '—'}</td>
      <td>
        {gp ? (
          <div className="fr-checkbox-group fr-checkbox-group--sm fr-mb-1w">
            <input id={id} type="checkbox" checked={asGs} onChange={(e) => setAsGs(e.target.checked)} />
            <label className="fr-label" htmlFor={id}>
              En faire un gestionnaire secondaire
            </label>
          </div>
        ) : null}
        <ul className="fr-btns-group fr-btns-group--sm fr-btns-group--inline">
          <li>
            <Button size="small" disabled={busy} onClick={() => void decide('ACCEPTER')} title={`Accepter ${who(m)}`}>
              Accepter
            </Button>
          </li>
          <li>
            <Button
              size="small"
              priority="secondary"
              disabled={busy}
              onClick={() => void decide('REFUSER')}
              title={`Refuser ${who(m)}`}
            >
              Refuser
            </Button>
          </li>
        </ul>
      </td>
    </tr>
  );
}

function MembreRow({ m, structure, gp, myId, busy, run }: RowProps) {
  const current = (espace: string) => m.espaces.find((e) => e.espace === espace)?.mode;
  const [modes, setModes] = useState<Record<string, ModeEspace | ''>>(() =>
    Object.fromEntries(structure.espaces.map((e) => [e, current(e) ?? ''])),
  );
  const [confirmTransfer, setConfirmTransfer] = useState(false);
  const changed = structure.espaces.filter((e) => modes[e] && modes[e] !== current(e));
  const saveModes = (e: FormEvent) => {
    e.preventDefault();
    void run(`Espaces de ${who(m)} enregistrés.`, async () => {
      for (const espace of changed) {
        await send(
          api.POST('/v1/structures/{siret}/membres/{userId}/espaces', {
            params: { path: { siret: structure.siret, userId: m.userId }, header: idempotency() },
            body: { espace, mode: modes[espace] as ModeEspace },
          }),
        );
      }
    });
  };
  const setRole = (role: 'GESTIONNAIRE_SECONDAIRE' | 'UTILISATEUR') =>
    run(
      role === 'UTILISATEUR'
        ? `${who(m)} n’est plus gestionnaire secondaire.`
        : `${who(m)} est gestionnaire secondaire.`,
      () =>
        send(
          api.POST('/v1/structures/{siret}/membres/{userId}/role', {
            params: { path: { siret: structure.siret, userId: m.userId }, header: idempotency() },
            body: { role },
          }),
        ),
    );
  const transfer = () =>
    run(`${who(m)} est désormais gestionnaire principal ; vous restez gestionnaire secondaire.`, () =>
      send(
        api.POST('/v1/structures/{siret}/gestionnaire-principal', {
          params: { path: { siret: structure.siret }, header: idempotency() },
          body: { userId: m.userId },
        }),
      ),
    );
  const active = m.utilisateur?.actif !== false;
  return (
    <tr data-testid={`membre-${who(m)}`}>
      <td>
        {who(m)}
        {m.userId === myId ? ' (vous)' : ''}
        {active ? '' : ' — compte désactivé'}
      </td>
      <td>{ROLE_LABEL[m.role]}</td>
      <td>{m.utilisateur?.derniereConnexionLe ? formatDateTime(m.utilisateur.derniereConnexionLe) : 'Jamais'}</td>
      <td>
        <form onSubmit={saveModes} noValidate>
          {structure.espaces.map((espace) => {
            const id = `mode-${m.userId}-${espace}`;
            return (
              <div key={espace} className="fr-select-group fr-mb-1w">
                <label className="fr-label" htmlFor={id}>
                  {ESPACE_LABEL[espace]}
                  <span className="fr-sr-only"> — {who(m)}</span>
                </label>
                <select
                  id={id}
                  className="fr-select"
                  value={modes[espace] ?? ''}
                  onChange={(ev) => setModes({ ...modes, [espace]: ev.target.value as ModeEspace | '' })}
                >
                  <option value="" disabled>
                    Non abonné
                  </option>
                  <option value="CONSULTATION">Consultation</option>
                  <option value="MODIFICATION">Modification</option>
                </select>
              </div>
            );
          })}
          <Button type="submit" size="small" priority="secondary" disabled={busy || changed.length === 0}>
            <span>
              Enregistrer<span className="fr-sr-only"> les espaces de {who(m)}</span>
            </span>
          </Button>
        </form>
      </td>
      {gp ? (
        <td>
          {m.role === 'GESTIONNAIRE_PRINCIPAL' || !active ? null : (
            <ul className="fr-btns-group fr-btns-group--sm">
              <li>
                {m.role === 'GESTIONNAIRE_SECONDAIRE' ? (
                  <Button size="small" priority="secondary" disabled={busy} onClick={() => void setRole('UTILISATEUR')}>
                    <span>
                      Retirer le rôle de gestionnaire secondaire<span className="fr-sr-only"> à {who(m)}</span>
                    </span>
                  </Button>
                ) : (
                  <Button
                    size="small"
                    priority="secondary"
                    disabled={busy}
                    onClick={() => void setRole('GESTIONNAIRE_SECONDAIRE')}
                  >
                    <span>
                      Nommer gestionnaire secondaire<span className="fr-sr-only"> : {who(m)}</span>
                    </span>
                  </Button>
                )}
              </li>
              <li>
                {confirmTransfer ? (
                  <>
                    <p className="fr-text--sm fr-mb-1w">
                      {who(m)} deviendra gestionnaire principal ; vous resterez gestionnaire secondaire.
                    </p>
                    <Button size="small" disabled={busy} onClick={() => void transfer()}>
                      Confirmer la transmission
                    </Button>{' '}
                    <Button size="small" priority="tertiary" onClick={() => setConfirmTransfer(false)}>
                      Annuler
                    </Button>
                  </>
                ) : (
                  <Button size="small" priority="tertiary" disabled={busy} onClick={() => setConfirmTransfer(true)}>
                    <span>
                      Transmettre le rôle de gestionnaire principal<span className="fr-sr-only"> à {who(m)}</span>
                    </span>
                  </Button>
                )}
              </li>
            </ul>
          )}
        </td>
      ) : null}
    </tr>
  );
}
