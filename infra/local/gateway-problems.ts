import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The gateway's own refusals, in the API's format (RFC 9457 problem+json, stable code, French detail), so that a
 * client handles them like the handlers' own: unknown route, missing token, malformed path, body too large.
 */
export function problem(
  res: http.ServerResponse,
  status: number,
  code: string,
  title: string,
  detail?: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({
    type: `https://factures-travaux.example/problemes/${code}`,
    title,
    status,
    code,
    detail: detail ?? title,
    instance: randomUUID(),
  });
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Requests Node's HTTP parser refuses before any handler sees them (headers over 16 KB, a malformed request line):
 * answered as problem+json too, rather than Node's bare `431` or `400` without a body. Wired as the gateway server's
 * `clientError` listener.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const code = tooLarge ? 'EN_TETES_TROP_GRANDS' : 'REQUETE_HTTP_MAL_FORMEE';
  const body = JSON.stringify({
    type: `https://factures-travaux.example/problemes/${code}`,
    title: tooLarge ? 'En-têtes trop grands' : 'Requête mal formée',
    status,
    code,
    detail: tooLarge
      ? 'Les en-têtes de la requête dépassent 16 Ko : raccourcissez-les (jeton, clé d’idempotence, cookies).'
      : 'La requête HTTP est mal formée (ligne de requête ou en-têtes illisibles) : vérifiez le client qui l’envoie.',
    instance: randomUUID(),
  });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `content-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
