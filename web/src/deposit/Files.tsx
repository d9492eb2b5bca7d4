import './deposit.css';
import { type DragEvent, useEffect, useId, useRef, useState } from 'react';
import { messageOf } from '../api/problem';
import { formatMo, MAX_FILE_BYTES, refusalBeforeUpload } from './room';
import {
  type Brouillon,
  postToStorage,
  type RoleFichier,
  removeFromDraft,
  requestForm,
  sha256Hex,
  UploadInterrupted,
} from './upload';

/**
 * The files of a draft: the main PDF and the attachments, chosen with the file input or dropped on their zone. Each
 * file is checked against the room left before anything is reserved, hashed, sent with its own progress bar, then
 * verified by the service (text PDF, content matching its extension…): a refusal is shown with its French reason.
 */

type Phase = 'empreinte' | 'envoi' | 'verification' | 'interrompu' | 'refuse';
interface Upload {
  readonly key: string;
  readonly file: File;
  readonly role: RoleFichier;
  phase: Phase;
  progress: number;
  message?: string;
  fichierId?: string;
}

const STATUT: Record<Brouillon['fichiers'][number]['verification']['statut'], string> = {
  EN_ATTENTE: 'Vérification en cours',
  VERIFIE: 'Vérifié',
  REFUSE: 'Refusé',
  ABANDONNE: 'Abandonné (non reçu)',
};

export function Files({
  draft,
  onChanged,
  supplement = false,
  onBusyChange,
}: {
  draft: Brouillon;
  onChanged: () => void;
  /** A sent piece answering its suspension: attachments only, and only the documents added for it are listed. */
  supplement?: boolean;
  /** Told whether a file is being hashed, sent or verified (the screen then reads the piece again, and waits). */
  onBusyChange?: (busy: boolean) => void;
}) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const titleId = useId();
  const update = (key: string, patch: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...patch } : u)));
  const serverFile = (id?: string) => draft.fichiers.find((f) => f.id === id);
  // Files sent from this screen keep their progress bar and show the service's verdict; the table lists the others
  // (those of a reopened draft)
  const mine = new Set(uploads.map((u) => u.fichierId).filter(Boolean));
  const rows = draft.fichiers.filter(
    (f) => !mine.has(f.id) && f.verification.statut !== 'ABANDONNE' && (!supplement || f.complement),
  );
  // An interrupted upload's form holds its room until « Réessayer » (the fresh form replaces it), « Retirer », the
  // piece's sending, or its expiry
  const busy = uploads.some((u) => {
    if (u.phase === 'empreinte' || u.phase === 'envoi') return true;
    const st = serverFile(u.fichierId)?.verification.statut;
    return u.phase === 'verification' && st !== 'VERIFIE' && st !== 'REFUSE';
  });
  useEffect(() => onBusyChange?.(busy), [busy, onBusyChange]);
  const live = (st: string | undefined) => st === 'VERIFIE' || st === 'EN_ATTENTE';
  const mainTaken =
    draft.fichiers.some((f) => f.role === 'PRINCIPAL' && live(f.verification.statut)) ||
    uploads.some(
      (u) =>
        u.role === 'PRINCIPAL' && u.phase !== 'refuse' && serverFile(u.fichierId)?.verification.statut !== 'REFUSE',
    );

  const send = async (u: Upload) => {
    try {
      update(u.key, { phase: 'empreinte', progress: 0, message: undefined });
      const sha256 = await sha256Hex(u.file);
      // A fresh form for every attempt: a dropped upload resumes with a new one
      const form = await requestForm(draft, u.file, u.role, sha256);
      update(u.key, { phase: 'envoi', fichierId: form.fichierId });
      onChanged();
      await postToStorage(form, u.file, (progress) => update(u.key, { progress }));
      update(u.key, { phase: 'verification', progress: 100 });
      onChanged();
    } catch (e) {
      update(u.key, { phase: e instanceof UploadInterrupted ? 'interrompu' : 'refuse', message: messageOf(e) });
      onChanged();
    }
  };

  const [removal, setRemoval] = useState<{ busy?: string; error?: string; done?: string }>({});
  /** Removes a file from the draft (not the documents of a sent piece): its room comes back, the draft is read again. */
  const remove = async (fichierId: string, nom: string) => {
    if (!window.confirm(`Retirer le fichier ${nom} de la pièce ?`)) return;
    setRemoval({ busy: fichierId });
    try {
      await removeFromDraft(draft, fichierId);
      setUploads((list) => list.filter((u) => u.fichierId !== fichierId));
      setRemoval({ done: `Le fichier ${nom} est retiré de la pièce ; sa place est rendue.` });
    } catch (e) {
      setRemoval({ error: messageOf(e) });
    }
    onChanged();
  };
  const removable = (st: string | undefined) => !supplement && (st === 'VERIFIE' || st === 'REFUSE');

  const add = (files: readonly File[], role: RoleFichier) => {
    let inFlight = uploads.filter((u) => u.phase === 'empreinte').reduce((n, u) => n + u.file.size, 0);
    const added: Upload[] = [];
    for (const file of role === 'PRINCIPAL' ? files.slice(0, 1) : files) {
      const refusal = refusalBeforeUpload(file, { reserved: draft.octetsReserves, max: draft.octetsMax, inFlight });
      const u: Upload = {
        key: crypto.randomUUID(),
        file,
        role,
        phase: refusal ? 'refuse' : 'empreinte',
        progress: 0,
        ...(refusal ? { message: refusal } : {}),
      };
      if (!refusal) inFlight += file.size;
      added.push(u);
    }
    setUploads((list) => [...list, ...added]);
    for (const u of added) if (u.phase !== 'refuse') void send(u);
  };

  return (
    <section aria-labelledby={titleId} className="fr-mb-4w" data-testid="fichiers">
      {supplement ? <h4 id={titleId}>Documents à envoyer</h4> : <h2 id={titleId}>Fichiers</h2>}
      <p data-testid="place">
        Place utilisée : {formatMo(draft.octetsReserves)} sur {formatMo(draft.octetsMax)} pour la pièce et ses pièces
        jointes ; {formatMo(MAX_FILE_BYTES)} au plus par fichier. Un fichier qui ne tient pas est refusé avant l’envoi.
      </p>
      {!mainTaken && !supplement ? (
        <DropZone
          label="Fichier principal (PDF texte)"
          hint="Le PDF exporté par votre logiciel, pas un scan : ses montants et son numéro sont lus pour pré-remplir la pièce."
          accept="application/pdf,.pdf"
          onFiles={(f) => add(f, 'PRINCIPAL')}
        />
      ) : null}
      <DropZone
        label={supplement ? 'Documents demandés' : 'Pièces jointes'}
        hint="Plusieurs fichiers possibles (PDF, tableurs, images…), 50 caractères au plus pour chaque nom."
        multiple
        onFiles={(f) => add(f, 'ANNEXE')}
      />
      {uploads.length > 0 ? (
        <ul className="ft-uploads" data-testid="envois">
          {uploads.map((u) => (
            <UploadRow
              key={u.key}
              u={u}
              server={serverFile(u.fichierId)}
              onRetry={() => void send(u)}
              onRemove={
                u.fichierId &&
                (removable(serverFile(u.fichierId)?.verification.statut) || (!supplement && u.phase === 'interrompu'))
                  ? () => void remove(u.fichierId as string, u.file.name)
                  : undefined
              }
              removing={removal.busy !== undefined}
            />
          ))}
        </ul>
      ) : null}
      {removal.error ? (
        <p className="fr-error-text" role="alert">
          {removal.error}
        </p>
      ) : null}
      {removal.done ? (
        <p className="fr-valid-text" role="status" data-testid="fichier-retire">
          {removal.done}
        </p>
      ) : null}
      {rows.length > 0 ? (
        <div className="fr-table fr-table--bordered ft-table-scroll" data-testid="fichiers-piece">
          <table>
            <caption>{supplement ? 'Documents ajoutés à la pièce' : 'Fichiers de la pièce'}</caption>
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">Rôle</th>
                <th scope="col">Taille</th>
                <th scope="col">État</th>
                {supplement ? null : <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((f) => (
                <tr key={f.id}>
                  <td>{f.nom}</td>
                  <td>{f.role === 'PRINCIPAL' ? 'Fichier principal' : 'Pièce jointe'}</td>
                  <td>{f.taille ? formatMo(f.taille) : '—'}</td>
                  <td>
                    {STATUT[f.verification.statut]}
                    {f.verification.statut === 'REFUSE' && f.verification.message ? ` : ${f.verification.message}` : ''}
                  </td>
                  {supplement ? null : (
                    <td>
                      {removable(f.verification.statut) ? (
                        <button
                          type="button"
                          className="fr-btn fr-btn--sm fr-btn--tertiary"
                          disabled={removal.busy !== undefined}
                          onClick={() => void remove(f.id, f.nom)}
                        >
                          Retirer {f.nom}
                        </button>
                      ) : null}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function UploadRow({
  u,
  server,
  onRetry,
  onRemove,
  removing,
}: {
  u: Upload;
  server: Brouillon['fichiers'][number] | undefined;
  onRetry: () => void;
  /** Offered once the service verified or refused the file, or when its upload was interrupted (room given back). */
  onRemove?: () => void;
  removing: boolean;
}) {
  const id = useId();
  const verdict = u.phase === 'verification' ? server?.verification : undefined;
  const refused = u.phase === 'refuse' || verdict?.statut === 'REFUSE';
  const message = verdict?.statut === 'REFUSE' ? verdict.message : u.message;
  const text =
    verdict?.statut === 'VERIFIE'
      ? 'envoyé à 100 %, vérifié'
      : verdict?.statut === 'REFUSE'
        ? 'envoyé à 100 %, refusé à la vérification'
        : u.phase === 'empreinte'
          ? 'calcul de l’empreinte'
          : u.phase === 'envoi'
            ? `envoi ${u.progress} %`
            : u.phase === 'verification'
              ? 'envoyé à 100 %, vérification en cours'
              : u.phase === 'interrompu'
                ? 'envoi interrompu'
                : 'refusé';
  return (
    <li data-testid="envoi" className="fr-mb-2w">
      <label htmlFor={id}>
        {u.file.name} ({formatMo(u.file.size)}) : {text}
      </label>
      {u.phase === 'refuse' ? null : <progress id={id} max={100} value={u.progress} className="ft-progress" />}
      {message ? (
        <p className={refused ? 'fr-error-text' : 'fr-info-text'} role="alert">
          {message}
        </p>
      ) : null}
      {u.phase === 'interrompu' ? (
        <button type="button" className="fr-btn fr-btn--sm fr-btn--secondary" onClick={onRetry}>
          Réessayer l’envoi de {u.file.name}
        </button>
      ) : null}
      {onRemove ? (
        <button type="button" className="fr-btn fr-btn--sm fr-btn--tertiary" disabled={removing} onClick={onRemove}>
          Retirer {u.file.name}
        </button>
      ) : null}
    </li>
  );
}

function DropZone(props: {
  label: string;
  hint: string;
  accept?: string;
  multiple?: boolean;
  onFiles: (files: File[]) => void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = Array.from(e.dataTransfer.files);
    if (files.length > 0) props.onFiles(files);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the drop target only adds to the labelled file input inside it
    <div
      className={`fr-upload-group ft-dropzone${over ? ' ft-dropzone--over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <label className="fr-label" htmlFor={id}>
        {props.label}
        <span className="fr-hint-text">{props.hint} Glissez-les ici ou parcourez vos fichiers.</span>
      </label>
      <input
        ref={input}
        className="fr-upload"
        type="file"
        id={id}
        {...(props.accept ? { accept: props.accept } : {})}
        multiple={props.multiple ?? false}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          if (files.length > 0) props.onFiles(files);
          if (input.current) input.current.value = '';
        }}
      />
    </div>
  );
}
