import { verifyTrail } from '../../adapters/audit';
import type { Clock } from '../../adapters/clock';
import { EVIDENCE_PREFIX, presignDownload, type StorageClient } from '../../adapters/s3';
import { openObject, uploadStream } from '../../adapters/s3-streams';
import { evidencePdf } from '../../documents/evidence-pdf';
import type { DgpClock } from '../../domain/dgp';
import { claimLetter, type EvidenceFacts, euros, evidenceReport } from '../../domain/evidence/report';
import type { Marche } from '../../domain/marche';
import type { DossierRecord } from '../decisions';
import type { DossierReads } from '../dossier-reads';
import { type DocumentDigest, evidenceZip, type PackDocument } from './zip';

/**
 * The dossier de preuve (docs/evidence-pack.md): built from what the table and the bucket hold now, streamed into
 * the bucket as one ZIP (under `preuves/`), handed out as a short presigned link. Readers: the parties of the
 * marché (checked by the handler, like every read of a dossier).
 */
export interface EvidencePackDeps {
  /** The dossier's DGP clock as it stands now (the read-only services suffice). */
  readonly dossiers: Pick<DossierReads, 'currentClockView'>;
  readonly s3: StorageClient;
  readonly bucket: string;
  readonly clock: Clock;
  /**
   * Days the pack's object is locked, instead of the bucket's 10 years (docs/evidence-pack.md#retention); absent
   * where the bucket has no Object Lock.
   */
  readonly retentionDays?: number;
}

export const EVIDENCE_LINK_SECONDS = 15 * 60;
const DAY_MS = 86_400_000;

export interface EvidencePack {
  readonly key: string;
  readonly url: string;
  readonly expiresAt: Date;
  readonly documents: readonly DocumentDigest[];
  readonly trailOk: boolean;
}

interface FileItem {
  readonly pieceId?: string;
  readonly fileName?: string;
  readonly objectKey?: string;
  readonly versionId?: string;
  readonly sha256?: string;
  readonly status?: string;
  readonly sk?: string;
}

const README = (dossierId: string) =>
  [
    `Dossier de preuve du dossier ${dossierId}`,
    '',
    'Contenu :',
    '  rapport.pdf          le calcul du délai global de paiement, des intérêts moratoires et de l’indemnité, avec leurs sources',
    '  lettre-reclamation.txt  un projet de lettre de réclamation, à compléter et signer',
    '  piste-audit.json     la piste d’audit du dossier : chaque événement porte le SHA-256 de son contenu chaîné au précédent',
    '  documents/           chaque document du dossier tel qu’il est conservé',
    '  MANIFESTE.json       pour chaque document : taille, SHA-256 calculé à la constitution du dossier, SHA-256 enregistré au dépôt',
    '  SHA256SUMS           les mêmes empreintes, au format de sha256sum',
    '',
    'Revérifier les documents (Linux, macOS : shasum -a 256 -c) :',
    '  sha256sum -c SHA256SUMS',
    '',
    'Revérifier la piste d’audit : pour chaque événement, dans l’ordre,',
    '  hash = SHA-256( prevHash || JSON canonique de l’événement sans ses champs hash et prevHash )',
    '  où le JSON canonique trie les clés de chaque objet par ordre alphabétique, sans espaces ; le premier prevHash',
    '  vaut 64 zéros, et chaque prevHash doit être le hash de l’événement précédent. Par exemple avec jq et sha256sum :',
    "  jq -c '.evenements[]' piste-audit.json  (puis, pour chacun : printf '%s' \"$prevHash$(jq -cS 'del(.hash,.prevHash)')\" | sha256sum)",
    '  Le résultat de cette vérification au moment de la constitution figure dans piste-audit.json (« verification »).',
    '',
  ].join('\n');

export async function buildEvidencePack(
  deps: EvidencePackDeps,
  record: DossierRecord,
  marche: Marche,
): Promise<EvidencePack> {
  const now = deps.clock.now();
  const view = await deps.dossiers.currentClockView(record);
  const verification = verifyTrail(record.events, { seq: record.lastEventSeq, hash: record.lastEventHash });
  const state = record.state;
  const pieceItems = (record.pieces ?? []) as { sk?: string; certificat?: string }[];
  const certificateOf = (pieceId: string) => pieceItems.find((p) => p.sk === `PIECE#${pieceId}`)?.certificat;
  const nameOf = (siret: string) => marche.acteurs.find((a) => a.siret === siret)?.raisonSociale;
  const facts: EvidenceFacts = {
    dossierId: record.dossierId,
    builtAt: now.toISOString(),
    marche: { numero: marche.numeroMarche, objet: marche.objet, dgpJours: marche.dgpJours },
    parties: marche.acteurs.map((a) => ({ role: a.role, siret: a.siret, name: a.raisonSociale })),
    pieces: state.pieces.map((p) => ({
      numero: p.numero,
      cadre: p.cadre,
      depositedAt: p.depositedAt,
      status: p.status,
      ...(certificateOf(p.id) ? { certificat: certificateOf(p.id) } : {}),
      ...(p.montants ? { montantTtc: euros(p.montants.ttcCents) } : {}),
    })),
    clock: record.clock as DgpClock | undefined,
    view,
    trail: {
      events: record.events.length,
      ok: verification.ok,
      detail: verification.ok
        ? `dernier hash ${verification.lastHash}`
        : `rompue à l’événement ${verification.brokenAtSeq} : ${verification.reason}`,
    },
  };
  const creditor = state.parties.fournisseur;
  const pdf = await evidencePdf(`Dossier de preuve — marché ${marche.numeroMarche}`, evidenceReport(facts));
  const letter = claimLetter(
    facts,
    `${nameOf(creditor.siret) ?? ''} (SIRET ${creditor.siret})`,
    `${nameOf(state.parties.moa.siret) ?? ''} (SIRET ${state.parties.moa.siret})`,
  );
  const pieceNumber = new Map(state.pieces.map((p) => [p.id, p.numero]));
  const documents: PackDocument[] = (record.files as FileItem[])
    .filter((f) => f.status === 'VERIFIE' && f.objectKey)
    .map((f, i) => ({
      path: `documents/${safe(pieceNumber.get(f.pieceId ?? '') ?? 'piece')}/${String(i + 1).padStart(2, '0')}-${safe(f.fileName ?? 'fichier')}`,
      ...(f.sha256 ? { recordedSha256: f.sha256 } : {}),
      open: () => openObject(deps.s3, deps.bucket, f.objectKey as string, f.versionId),
    }));
  const zip = evidenceZip({
    texts: [
      { path: 'LISEZMOI.txt', content: README(record.dossierId) },
      { path: 'rapport.pdf', content: pdf },
      { path: 'lettre-reclamation.txt', content: letter },
      {
        path: 'piste-audit.json',
        content: `${JSON.stringify({ dossierId: record.dossierId, evenements: record.events, verification }, null, 2)}\n`,
      },
    ],
    documents,
    trailer: (digests) => [
      {
        path: 'MANIFESTE.json',
        content: `${JSON.stringify({ dossierId: record.dossierId, constitueLe: facts.builtAt, documents: digests }, null, 2)}\n`,
      },
      { path: 'SHA256SUMS', content: digests.map((d) => `${d.sha256}  ${d.path}\n`).join('') },
    ],
  });
  const key = `${EVIDENCE_PREFIX}${record.dossierId}/${now.toISOString().replace(/[:.]/g, '-')}.zip`;
  const retainUntil = packRetainUntil(now, deps.retentionDays);
  await Promise.all([uploadStream(deps.s3, deps.bucket, key, zip.stream, 'application/zip', retainUntil), zip.digests]);
  const link = await presignDownload(
    deps.s3,
    {
      bucket: deps.bucket,
      key,
      fileName: `dossier-de-preuve-${marche.numeroMarche}-${record.dossierId}.zip`,
      contentType: 'application/zip',
      expiresInSeconds: EVIDENCE_LINK_SECONDS,
    },
    deps.clock,
  );
  return { key, url: link.url, expiresAt: link.expiresAt, documents: await zip.digests, trailOk: verification.ok };
}

/** Until when a pack built at `now` stays locked (docs/evidence-pack.md#retention); undefined without retention. */
export function packRetainUntil(now: Date, retentionDays: number | undefined): Date | undefined {
  return retentionDays ? new Date(now.getTime() + retentionDays * DAY_MS) : undefined;
}

/** A path segment from user text: letters, digits and . _ - only. */
function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
}
