import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import type { Clock } from '../../shared/adapters/clock';
import type { MachineClients } from '../../shared/adapters/machine-clients';
import { isDomainError } from '../../shared/domain/errors';
import type { TechnicalClientService } from '../../shared/services/technical-client';
import type { LocalAuth } from './auth';
import { problem } from './gateway';
import { readBody, sendJson } from './net';

export const LOCAL_TECHNICAL_SCOPE = 'factures-travaux-api/api';
export const LOCAL_TOKEN_PATH = '/_local/oauth2/token';

/**
 * The technical accounts' machine clients on the embedded platform, standing in for the user pool's app clients:
 * ids made here, secrets kept by the product as scrypt hashes (the platform's token endpoint checks them).
 */
export class LocalMachineClients implements MachineClients {
  readonly keepsSecretHash = true;
  readonly scope = LOCAL_TECHNICAL_SCOPE;

  constructor(private readonly baseUrl: () => string) {}

  get tokenUrl(): string {
    return `${this.baseUrl()}${LOCAL_TOKEN_PATH}`;
  }

  async create(): Promise<string> {
    return `local-${randomBytes(10).toString('hex')}`;
  }

  /** The new secret's hash is written by the renewal itself; nothing else holds the old one. */
  async rotate(): Promise<void> {}

  /** The platform holds nothing of a client but the record the renewal writes: an unrecorded id is already gone. */
  async delete(): Promise<void> {}
}

const oauthProblem = (res: http.ServerResponse, status: number, code: string, detail: string) =>
  problem(res, status, code, detail, detail, status === 401 ? { 'www-authenticate': 'Basic realm="oauth2"' } : {});

/**
 * `POST /_local/oauth2/token`, as the user pool's token endpoint: `grant_type=client_credentials` in a form body,
 * the client's id and secret in HTTP Basic (or `client_id` / `client_secret` in the body); answers
 * `{access_token, token_type, expires_in}`. Refusals are French problems: unknown client or wrong secret 401,
 * account past its 424 days 403 COMPTE_TECHNIQUE_EXPIRE.
 */
export function clientTokenEndpoint(options: {
  readonly auth: LocalAuth;
  readonly clock: Clock;
  readonly service: () => TechnicalClientService;
}) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const form = new URLSearchParams((await readBody(req, 16 * 1024)).toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') {
      oauthProblem(
        res,
        400,
        'GRANT_TYPE_NON_PRIS_EN_CHARGE',
        'Seul grant_type=client_credentials est accepté (corps application/x-www-form-urlencoded).',
      );
      return;
    }
    let clientId = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        clientId = decodeURIComponent(decoded.slice(0, colon));
        secret = decodeURIComponent(decoded.slice(colon + 1));
      }
    }
    if (!clientId || !secret) {
      oauthProblem(
        res,
        401,
        'IDENTIFIANTS_INCOMPLETS',
        'Indiquez l’identifiant et le secret du client technique (en-tête Authorization: Basic, ou client_id et client_secret).',
      );
      return;
    }
    const scope = form.get('scope');
    if (scope && scope !== LOCAL_TECHNICAL_SCOPE) {
      oauthProblem(res, 400, 'SCOPE_INCONNU', `Seul le scope « ${LOCAL_TECHNICAL_SCOPE} » existe.`);
      return;
    }
    try {
      const { login } = await options.service().access(clientId, secret, options.clock.now());
      const issued = await options.auth.issueClientToken(clientId, login, LOCAL_TECHNICAL_SCOPE);
      sendJson(res, 200, { access_token: issued.token, token_type: 'Bearer', expires_in: 3600 });
    } catch (error) {
      if (!isDomainError(error)) throw error;
      const status = error.code === 'IDENTIFIANTS_INVALIDES' ? 401 : 403;
      oauthProblem(res, status, error.code, error.message);
    }
  };
}
