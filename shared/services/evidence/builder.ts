import { LambdaInvoker } from '../../adapters/lambda-invoke';
import { DomainError, type DomainErrorKind, type FieldIssue } from '../../domain/errors';

/**
 * Who builds the dossier de preuve and the deposit certificates (docs/evidence-pack.md#where-it-is-built): the API
 * function authorizes the caller, then asks this port; the building (pdf-lib, the S3 client that streams the ZIP)
 * happens in the worker function `dossiersEvidenceBuild` (functions/dossiers/evidence-build.ts), so that the API
 * function's bundle stays small (issue 16).
 *
 * On AWS the port invokes the worker (Lambda Invoke, lambda-invoke.ts), named by the API function's environment;
 * the embedded platform and the tests install one that calls the worker's handler in the same process
 * (`installEvidenceBuilder`). Both go through the same request and answer: what crosses is JSON.
 */

/** What the worker is asked: the pack of a dossier, or the certificate of one of its sent pieces. */
export type EvidenceRequest =
  | { readonly kind: 'pack'; readonly dossierId: string }
  | { readonly kind: 'certificat'; readonly dossierId: string; readonly pieceId: string };

/** The pack as the API answers it (GET /v1/dossiers/{id}/dossier-de-preuve). */
export interface EvidencePackAnswer {
  readonly dossierId: string;
  readonly url: string;
  readonly expireLe: string;
  readonly documents: number;
  readonly documentsConformes: boolean;
  readonly pisteIntegre: boolean;
}

/** The certificate's PDF, base64 in JSON, and its file name. */
export interface CertificateAnswer {
  readonly pdfBase64: string;
  readonly fileName: string;
}

/** A refusal of a rule (a `DomainError`), as it crosses between the functions. */
export interface Refusal {
  readonly code: string;
  readonly kind: DomainErrorKind;
  readonly message: string;
  readonly fields: readonly FieldIssue[];
}

/**
 * What the worker answers. A refusal is answered as a value, not thrown: a thrown error reaches the caller as the
 * runtime's `{ errorType, errorMessage }` only, without the code, kind and fields the API's problem needs.
 */
export type EvidenceReply<T> = { readonly ok: T } | { readonly refusal: Refusal };

export function refusalOf(e: DomainError): Refusal {
  return { code: e.code, kind: e.kind, message: e.message, fields: e.fields };
}

export interface EvidenceBuilder {
  pack(dossierId: string): Promise<EvidencePackAnswer>;
  certificate(dossierId: string, pieceId: string): Promise<CertificateAnswer>;
}

/** A builder that sends each request to `run` (the worker, however it is reached) and reads its reply. */
export function evidenceBuilderOn(run: (request: EvidenceRequest) => Promise<unknown>): EvidenceBuilder {
  const ask = async <T>(request: EvidenceRequest): Promise<T> => {
    const reply = (await run(request)) as EvidenceReply<T> | null;
    if (reply && 'refusal' in reply) {
      const r = reply.refusal;
      throw new DomainError(r.code, r.message, r.kind, r.fields);
    }
    if (!reply || !('ok' in reply)) throw new Error(`evidence worker: unexpected answer to ${request.kind}`);
    return reply.ok;
  };
  return {
    pack: (dossierId) => ask({ kind: 'pack', dossierId }),
    certificate: (dossierId, pieceId) => ask({ kind: 'certificat', dossierId, pieceId }),
  };
}

/** The variable that names the worker, set by the stack from its key (`access.invokes`, infra/constructs/functions.ts). */
export const EVIDENCE_WORKER_ENV = 'DOSSIERS_EVIDENCE_BUILD_FUNCTION';

/** The builder that invokes the worker function named by the environment (AWS). */
export function lambdaEvidenceBuilder(invoker: LambdaInvoker = new LambdaInvoker(), functionName?: string) {
  return evidenceBuilderOn((request) => {
    const name = functionName ?? process.env[EVIDENCE_WORKER_ENV];
    if (!name) throw new Error(`the evidence worker is not configured (${EVIDENCE_WORKER_ENV})`);
    return invoker.invoke(name, request);
  });
}

let installed: EvidenceBuilder | undefined;
let fromEnv: EvidenceBuilder | undefined;

/**
 * The builder the embedded platform (and so the tests) puts in place of the Lambda invoke: the worker's handler in
 * the same process; `undefined` goes back to the invoke.
 */
export function installEvidenceBuilder(builder: EvidenceBuilder | undefined): void {
  installed = builder;
}

/** The builder of this process: the installed one, else the worker invoked through Lambda. */
export function evidenceBuilder(): EvidenceBuilder {
  if (installed) return installed;
  fromEnv ??= lambdaEvidenceBuilder();
  return fromEnv;
}
