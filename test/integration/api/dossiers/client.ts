import { createHash, randomUUID } from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { localToken } from '../../../setup/platform';

/**
 * A small client of the dossier API over HTTP, as any client would write it: sign in on the local gateway, call
 * with bearer token / If-Match / Idempotency-Key, upload through the presigned POST forms. Shared by the
 * integration tests of this folder, `npm run demo` (scripts/demo.ts) and `npm run bench` (bench/api-latency.ts).
 * No test framework here.
 */

/** A JSON body of the API, as tests and scripts read it (shapes: shared/schemas/dossier.ts, dossier-actions.ts, pieces.ts). */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field and checked by assertions
export type Json = any;

export interface ApiResponse<T = Json> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  /** The version in the ETag, when there is one. */
  readonly version?: number;
}

export interface CallOptions {
  readonly body?: unknown;
  /** Sent as If-Match: "<n>". */
  readonly ifMatch?: number;
  /** Default: a fresh key on every POST; `null` sends none. */
  readonly idempotencyKey?: string | null;
  readonly headers?: Record<string, string>;
}

export class Session {
  constructor(
    readonly baseUrl: string,
    readonly loginAddress: string,
    readonly token: string,
  ) {}

  async call<T = Json>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
    const key =
      options.idempotencyKey === undefined ? (method === 'POST' ? randomUUID() : null) : options.idempotencyKey;
    if (key) headers['idempotency-key'] = key;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await res.text();
    const etag = res.headers.get('etag');
    const version = etag ? Number(/"(\d+)"/.exec(etag)?.[1]) : undefined;
    return {
      status: res.status,
      headers: res.headers,
      body: (text ? JSON.parse(text) : undefined) as T,
      ...(version !== undefined && Number.isFinite(version) ? { version } : {}),
    };
  }

  get<T = Json>(path: string, options?: CallOptions) {
    return this.call<T>('GET', path, options);
  }
  post<T = Json>(path: string, body?: unknown, options: Omit<CallOptions, 'body'> = {}) {
    return this.call<T>('POST', path, { ...options, body: body ?? {} });
  }
}

export async function signInAs(baseUrl: string, loginAddress: string): Promise<Session> {
  return new Session(baseUrl, loginAddress, await localToken(baseUrl, loginAddress));
}

/** Moves the local platform's clock forward (POST /_local/clock). */
export async function advanceClock(baseUrl: string, by: { advanceDays?: number; advanceHours?: number }) {
  const res = await fetch(`${baseUrl}/_local/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(by),
  });
  if (res.status !== 200) throw new Error(`horloge locale : ${res.status} ${await res.text()}`);
  return res.json() as Promise<{ now: string }>;
}

/** A native text PDF (what accounting software exports), one line of text per entry. */
export async function textPdf(lines: readonly string[], pages = 1): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595, 842]);
    let y = 800;
    for (const line of p === pages - 1 ? lines : [`Page ${p + 1}`]) {
      page.drawText(line, { x: 50, y, size: 11, font });
      y -= 18;
    }
  }
  return doc.save({ useObjectStreams: false });
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Posts a file to a presigned form as a browser does (fields first, then `file`). */
export async function postForm(
  form: { url: string; champs: Record<string, string> },
  bytes: Uint8Array,
  fileName: string,
  contentType = 'application/pdf',
): Promise<number> {
  const body = new FormData();
  for (const [k, v] of Object.entries(form.champs)) body.append(k, v);
  body.append('file', new Blob([bytes], { type: contentType }), fileName);
  const res = await fetch(form.url, { method: 'POST', body });
  await res.arrayBuffer();
  return res.status;
}

export interface PieceSpec {
  readonly cadre: string;
  readonly numero: string;
  readonly montants?: { ht: string; tva: string; ttc: string };
  /** The lines of an état d'acompte (wire form: shared/schemas/etat-acompte.ts). */
  readonly etatAcompte?: Record<string, unknown>;
  /** Lines of the main PDF; by default a short invoice naming the piece. */
  readonly pdfLines?: readonly string[];
}

export function defaultPdfLines(spec: PieceSpec): string[] {
  return [
    `Piece ${spec.cadre} n° ${spec.numero}`,
    `Numero de facture : ${spec.numero}`,
    ...(spec.montants
      ? [`Total HT : ${spec.montants.ht} EUR`, `TVA : ${spec.montants.tva} EUR`, `Total TTC : ${spec.montants.ttc} EUR`]
      : []),
  ];
}

export interface DraftResult {
  readonly dossierId: string;
  readonly pieceId: string;
  readonly draft: Json;
}

/**
 * Draft + main PDF uploaded and verified: POST the draft (`draftPath`: /v1/marches/{id}/pieces for a new dossier,
 * /v1/dossiers/{id}/pieces for the next piece), ask for a form, post the PDF, wait until verified.
 */
export async function draftWithMainFile(
  s: Session,
  draftPath: string,
  spec: PieceSpec,
  waitVerified: (ids: { dossierId: string; pieceId: string }) => Promise<void>,
): Promise<DraftResult> {
  const created = await s.post(draftPath, {
    cadre: spec.cadre,
    numero: spec.numero,
    ...(spec.montants ? { montants: spec.montants } : {}),
    ...(spec.etatAcompte ? { etatAcompte: spec.etatAcompte } : {}),
  });
  if (created.status !== 201)
    throw new Error(`brouillon ${spec.numero} : ${created.status} ${JSON.stringify(created.body)}`);
  const { dossierId, id: pieceId } = created.body as { dossierId: string; id: string };
  const pdf = await textPdf(spec.pdfLines ?? defaultPdfLines(spec));
  const fileName = `${spec.numero.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}.pdf`;
  const form = await s.post(`/v1/dossiers/${dossierId}/pieces/${pieceId}/fichiers`, {
    nom: fileName,
    taille: pdf.length,
    type: 'application/pdf',
    role: 'PRINCIPAL',
    sha256: sha256Hex(pdf),
  });
  if (form.status !== 201) throw new Error(`formulaire ${fileName} : ${form.status} ${JSON.stringify(form.body)}`);
  const posted = await postForm(form.body, pdf, fileName);
  if (posted >= 300) throw new Error(`dépôt de ${fileName} refusé par le stockage : ${posted}`);
  await waitVerified({ dossierId, pieceId });
  const draft = await s.get(`/v1/dossiers/${dossierId}/pieces/${pieceId}`);
  return { dossierId, pieceId, draft: draft.body };
}

/** Waits, by polling the draft, until no file awaits verification (for a platform running in another process). */
export function pollVerified(s: Session, timeoutMs = 20_000) {
  return async (ids: { dossierId: string; pieceId: string }) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const d = await s.get(`/v1/dossiers/${ids.dossierId}/pieces/${ids.pieceId}`);
      const files = (d.body?.fichiers ?? []) as { verification: { statut: string } }[];
      if (files.length > 0 && files.every((f) => f.verification.statut !== 'EN_ATTENTE')) return;
      if (Date.now() > until) throw new Error('vérification du fichier trop longue');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
}
