import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { messageOf } from '../api/problem';
import { useStructure } from '../app/structure';
import { formatDate, formatSiret } from '../ui/format';
import { usePageTitle } from '../ui/usePageTitle';
import {
  ESPACE_LABEL,
  ESPACES,
  type Espace,
  fieldMessage,
  idempotency,
  MODE_LABEL,
  type ModeEspace,
  ROLE_LABEL,
  STATUT_LABEL,
  send,
  useSiretCheck,
} from './common';
import { SiretField } from './SiretField';

/**
 * « Activités du gestionnaire »: the user's structures (those it manages open their administration), creating a
 * structure, asking to be attached to one, and the public structures directory.
 */
export default function Gestion() {
  usePageTitle('Activités du gestionnaire');
  const { moi } = useStructure();
  return (
    <>
      <h1>Activités du gestionnaire</h1>
      <p className="fr-text--lead">
        Vos structures, leurs membres et leurs espaces ; la création d’une structure et les demandes de rattachement.
      </p>
      <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--left">
        <li>
          <Link className="fr-btn fr-icon-add-line fr-btn--icon-left" to="/gestion/nouvelle-structure">
            Créer une structure
          </Link>
        </li>
        <li>
          <Link className="fr-btn fr-btn--secondary fr-icon-search-line fr-btn--icon-left" to="/annuaire">
            Rechercher structure publique
          </Link>
        </li>
      </ul>
      <h2>Mes structures</h2>
      {moi.structures.length === 0 ? (
        <p>Vous n’êtes rattaché à aucune structure : créez la vôtre, ou demandez à être rattaché ci-dessous.</p>
      ) : (
        <div className="fr-table fr-table--bordered ft-table-scroll" data-testid="mes-structures">
          <table>
            <caption>Structures auxquelles vous êtes rattaché ou avez demandé à l’être</caption>
            <thead>
              <tr>
                <th scope="col">Structure</th>
                <th scope="col">Votre rôle</th>
                <th scope="col">Statut</th>
                <th scope="col">Espaces</th>
              </tr>
            </thead>
            <tbody>
              {moi.structures.map((s) => {
                const manager = s.statut === 'ACCEPTE' && s.role !== 'UTILISATEUR';
                const name = `${formatSiret(s.siret)} - ${s.raisonSociale ?? ''}`;
                return (
                  <tr key={s.siret}>
                    <td>{manager ? <Link to={`/gestion/structures/${s.siret}`}>{name}</Link> : name}</td>
                    <td>{ROLE_LABEL[s.role]}</td>
                    <td>
                      {STATUT_LABEL[s.statut]}
                      {s.statut === 'EN_ATTENTE' ? ` depuis le ${formatDate(s.demandeLe)}` : ''}
                    </td>
                    <td>
                      {s.espaces.length === 0
                        ? '—'
                        : s.espaces.map((e) => `${ESPACE_LABEL[e.espace]} (${MODE_LABEL[e.mode]})`).join(', ')}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <DemandeRattachement />
    </>
  );
}

function DemandeRattachement() {
  const queryClient = useQueryClient();
  const [siret, setSiret] = useState('');
  const [modes, setModes] = useState<Partial<Record<Espace, ModeEspace>>>({ FACTURES_TRAVAUX: 'MODIFICATION' });
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const check = useSiretCheck(siret);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setDone(undefined);
    if (check.state !== 'valide' || !check.existante) return;
    setBusy(true);
    try {
      const espaces = ESPACES.flatMap((espace) => (modes[espace] ? [{ espace, mode: modes[espace] }] : []));
      await send(
        api.POST('/v1/structures/{siret}/rattachements', {
          params: { path: { siret: siret.trim() }, header: idempotency() },
          body: { espaces },
        }),
      );
      setDone(`Demande envoyée à ${check.existante.raisonSociale} : un gestionnaire de la structure va l’examiner.`);
      setSiret('');
      await queryClient.invalidateQueries({ queryKey: ['moi'] });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="rattachement-titre" className="fr-mt-6w">
      <h2 id="rattachement-titre">Demander un rattachement</h2>
      <form onSubmit={submit} noValidate>
        <SiretField
          label="SIRET de la structure"
          value={siret}
          onChange={setSiret}
          check={check}
          existingIs="attendu"
          serverError={fieldMessage(error, 'siret')}
        />
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend">Espaces demandés</legend>
          {ESPACES.map((espace) => (
            <div key={espace} className="fr-fieldset__element">
              <div className="fr-select-group">
                <label className="fr-label" htmlFor={`demande-${espace}`}>
                  {ESPACE_LABEL[espace]}
                </label>
                <select
                  id={`demande-${espace}`}
                  className="fr-select"
                  value={modes[espace] ?? ''}
                  onChange={(ev) =>
                    setModes({ ...modes, [espace]: (ev.target.value || undefined) as ModeEspace | undefined })
                  }
                >
                  <option value="">Pas d’accès</option>
                  <option value="CONSULTATION">Consultation (lire)</option>
                  <option value="MODIFICATION">Modification (lire et agir)</option>
                </select>
              </div>
            </div>
          ))}
        </fieldset>
        {error && !fieldMessage(error, 'siret') ? (
          <Alert severity="error" small description={messageOf(error)} className="fr-mb-2w" />
        ) : null}
        {done ? <Alert severity="success" small description={done} className="fr-mb-2w" /> : null}
        <Button type="submit" disabled={busy || check.state !== 'valide' || !check.existante}>
          Demander le rattachement
        </Button>
      </form>
    </section>
  );
}
