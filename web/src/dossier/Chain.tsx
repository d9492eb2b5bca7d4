import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type components } from '../api/client';
import { messageOf, unwrap } from '../api/problem';
import { formatDate, formatDateTime, formatEuros, formatSiret } from '../ui/format';
import { downloadCertificate } from './certificate';
import { EtatAcompteTable } from './EtatAcompte';
import { amountCents, eventLabel, FILE_CHECK_LABELS, ROLE_LABELS, SUGGESTION_LABELS, statusLabel } from './labels';

type Dossier = components['schemas']['Dossier'];
type Piece = Dossier['pieces'][number];
type Attente = NonNullable<Dossier['attente']>;

/** The chain of pieces (A9 → A15 → A19 …), each with its files, pre-fill and deposit certificate. */
export function PieceChain({ dossier }: { dossier: Dossier }) {
  return (
    <section aria-labelledby="pieces-titre" className="fr-mb-6w">
      <h2 id="pieces-titre">Pièces du dossier</h2>
      <ol className="ft-chain" data-testid="chaine">
        {dossier.pieces.map((p) => (
          <li key={p.id} className="fr-card fr-card--no-arrow fr-p-2w fr-mb-2w">
            <PieceCard dossierId={dossier.id} piece={p} />
          </li>
        ))}
      </ol>
      {dossier.brouillons.length > 0 ? (
        <p className="fr-text--sm">
          Brouillons de votre structure (non envoyés, invisibles des autres acteurs) :{' '}
          {dossier.brouillons.map((b) => `${b.cadre} n° ${b.numero}`).join(', ')}
        </p>
      ) : null}
    </section>
  );
}

function PieceCard({ dossierId, piece: p }: { dossierId: string; piece: Piece }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <h3 className="fr-h6 fr-mb-1w">
        {p.cadre} n° {p.numero}
      </h3>
      <p className="fr-text--sm fr-mb-1w">
        Déposée le {formatDateTime(p.deposeeLe)} par {ROLE_LABELS[p.deposantRole] ?? p.deposantRole} (
        {formatSiret(p.deposantSiret)}) · statut : {statusLabel(p.statut)}
        {p.montants ? (
          <>
            {' '}
            · {formatEuros(amountCents(p.montants.ht))} HT, {formatEuros(amountCents(p.montants.ttc))} TTC
          </>
        ) : null}
        {p.certificat ? <> · certificat de dépôt n° {p.certificat}</> : null}
      </p>
      {p.etatAcompte ? <EtatAcompteTable numero={p.numero} etat={p.etatAcompte} /> : null}
      <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
        <li>
          <button
            type="button"
            className="fr-btn fr-btn--tertiary fr-btn--sm"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Masquer les fichiers' : 'Voir les fichiers'}
          </button>
        </li>
        {p.certificat ? (
          <li>
            <CertificateButton dossierId={dossierId} pieceId={p.id} certificat={p.certificat} />
          </li>
        ) : null}
      </ul>
      {open ? <PieceFiles dossierId={dossierId} pieceId={p.id} /> : null}
    </>
  );
}

/** The deposit certificate of a sent piece, as a PDF (the one its depositor got on sending it). */
function CertificateButton(props: { dossierId: string; pieceId: string; certificat: string }) {
  const [error, setError] = useState<string>();
  const download = async () => {
    setError(undefined);
    try {
      await downloadCertificate(props.dossierId, props.pieceId, props.certificat);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <>
      <button
        type="button"
        className="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-download-line fr-btn--icon-left"
        onClick={() => void download()}
      >
        Certificat de dépôt (PDF)
      </button>
      {error ? (
        <p className="fr-error-text" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}

function PieceFiles({ dossierId, pieceId }: { dossierId: string; pieceId: string }) {
  const piece = useQuery({
    queryKey: ['piece', dossierId, pieceId],
    queryFn: async () =>
      unwrap(await api.GET('/v1/dossiers/{dossierId}/pieces/{pieceId}', { params: { path: { dossierId, pieceId } } })),
  });
  const [error, setError] = useState<string>();
  if (piece.isPending) return <p className="fr-text--sm">Chargement des fichiers…</p>;
  if (piece.error) return <p className="fr-error-text">{messageOf(piece.error)}</p>;
  const download = async (fichierId: string) => {
    setError(undefined);
    try {
      const link = unwrap(
        await api.GET('/v1/dossiers/{dossierId}/pieces/{pieceId}/fichiers/{fichierId}/telechargement', {
          params: { path: { dossierId, pieceId, fichierId } },
        }),
      );
      window.location.assign(link.url);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const suggestions = Object.entries(piece.data.suggestions ?? {});
  return (
    <div className="fr-mt-1w">
      <ul>
        {piece.data.fichiers.map((f) => (
          <li key={f.id}>
            <button
              type="button"
              className="fr-link fr-icon-download-line fr-link--icon-left"
              onClick={() => download(f.id)}
            >
              Télécharger {f.nom}
            </button>{' '}
            <span className="fr-text--xs">
              ({f.role === 'PRINCIPAL' ? 'fichier principal' : 'pièce jointe'}, vérification :{' '}
              {FILE_CHECK_LABELS[f.verification.statut] ?? f.verification.statut}
              {f.verification.sha256 ? `, SHA-256 ${f.verification.sha256.slice(0, 12)}…` : ''})
            </span>
          </li>
        ))}
      </ul>
      {suggestions.length > 0 ? (
        <p className="fr-text--xs">
          Lu dans le PDF (pré-remplissage) :{' '}
          {suggestions.map(([k, v]) => `${SUGGESTION_LABELS[k] ?? k} ${v.valeur} (page ${v.page})`).join(' ; ')}
        </p>
      ) : null}
      {error ? (
        <p className="fr-error-text" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The pending step: who must act, since when, until when, what silence does, the reminder date. */
export function PendingStep({ attente }: { attente: Attente | null }) {
  if (!attente) {
    return (
      <section aria-labelledby="attente-titre" className="fr-mb-6w">
        <h2 id="attente-titre">Étape en attente</h2>
        <p>Aucune action n’est attendue : le circuit de ce dossier est terminé.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="attente-titre" className="fr-mb-6w" data-testid="attente">
      <h2 id="attente-titre">Étape en attente</h2>
      <dl className="ft-figures">
        <div>
          <dt>Étape</dt>
          <dd>{attente.libelle}</dd>
        </div>
        <div>
          <dt>Qui doit agir</dt>
          <dd>
            {ROLE_LABELS[attente.acteur.role] ?? attente.acteur.role} ({formatSiret(attente.acteur.siret)})
            {attente.autresActeurs.length > 0
              ? `, ou ${attente.autresActeurs.map((a) => ROLE_LABELS[a.role] ?? a.role).join(', ')}`
              : ''}
          </dd>
        </div>
        <div>
          <dt>Depuis le</dt>
          <dd data-testid="attente-depuis">{formatDate(attente.depuis)}</dd>
        </div>
        <div>
          <dt>Dernier jour</dt>
          <dd data-testid="attente-dernier-jour">
            {attente.dernierJour ? formatDate(attente.dernierJour) : 'aucun délai en cours'}
            {attente.source ? <span className="fr-text--xs"> ({attente.source})</span> : null}
          </dd>
        </div>
        <div>
          <dt>En cas de silence</dt>
          <dd>{attente.aExpiration ?? '—'}</dd>
        </div>
        <div>
          <dt>Relance le</dt>
          <dd>{attente.relanceA ? formatDate(attente.relanceA) : '—'}</dd>
        </div>
        {attente.enRetardDepuis ? (
          <div>
            <dt>En retard depuis le</dt>
            <dd className="ft-late">{formatDate(attente.enRetardDepuis)}</dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}

/** The history with the audit trail's verification (« piste d'audit intègre »). */
export function History({ dossierId }: { dossierId: string }) {
  const trail = useQuery({
    queryKey: ['historique', dossierId],
    queryFn: async () =>
      unwrap(await api.GET('/v1/dossiers/{dossierId}/historique', { params: { path: { dossierId } } })),
  });
  return (
    <section aria-labelledby="historique-titre" className="fr-mb-6w">
      <h2 id="historique-titre">Historique</h2>
      {trail.isPending ? <p>Chargement de l’historique…</p> : null}
      {trail.error ? <p className="fr-error-text">{messageOf(trail.error)}</p> : null}
      {trail.data ? (
        <>
          <p
            data-testid="piste-audit"
            className={trail.data.verification.integre ? 'fr-badge fr-badge--success' : 'fr-badge fr-badge--error'}
          >
            {trail.data.verification.integre
              ? `Piste d’audit intègre (${trail.data.verification.longueur} événements chaînés)`
              : `Piste d’audit rompue à l’événement ${trail.data.verification.rompuAuSeq} : ${trail.data.verification.raison}`}
          </p>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1; axe scrollable-region-focusable) */}
          <section className="ft-table-scroll" aria-label="Événements du dossier" tabIndex={0}>
            <table className="ft-table">
              <caption>Événements du dossier, du plus ancien au plus récent</caption>
              <thead>
                <tr>
                  <th scope="col">N°</th>
                  <th scope="col">Le</th>
                  <th scope="col">Événement</th>
                  <th scope="col">Par</th>
                  <th scope="col">Empreinte</th>
                </tr>
              </thead>
              <tbody>
                {trail.data.evenements.map((e) => (
                  <tr key={e.seq}>
                    <td>{e.seq}</td>
                    <td>{formatDateTime(e.le)}</td>
                    <td>{eventLabel(e.type)}</td>
                    <td>{e.acteurRole ? (ROLE_LABELS[e.acteurRole] ?? e.acteurRole) : 'Système'}</td>
                    <td className="fr-text--xs">{e.empreinte.slice(0, 12)}…</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      ) : null}
    </section>
  );
}
