import type * as http from 'node:http';
import type { LocalSmtp, ReceivedMail } from './smtp';

/**
 * The local inbox (issue 13): what the platform sent, readable in a browser. `GET /_local/mails` lists the messages
 * the local SMTP server received, newest first (HTML for a browser, JSON otherwise); `GET /_local/mails/{n}` shows one
 * (its HTML part, or its text). The raw messages are the .eml files of the data folder.
 */
export async function mailPages(
  smtp: LocalSmtp,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<boolean> {
  if (req.method !== 'GET' || !/^\/_local\/mails(\/|$)/.test(url.pathname)) return false;
  const messages = smtp.messages();
  const rest = url.pathname.slice('/_local/mails'.length);
  const wantsHtml = (req.headers.accept ?? '').includes('text/html');
  if (rest === '' || rest === '/') {
    if (!wantsHtml) {
      send(res, 200, 'application/json', JSON.stringify(messages.map(summary)));
      return true;
    }
    const rows = [...messages]
      .reverse()
      .map(
        (m) =>
          `<tr><td>${m.n}</td><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(', '))}</td>` +
          `<td><a href="/_local/mails/${m.n}">${escapeHtml(m.subject)}</a></td></tr>`,
      )
      .join('');
    const where = smtp.directory ? `<p>Fichiers .eml : <code>${escapeHtml(smtp.directory)}</code></p>` : '';
    const table = messages.length
      ? `<table><thead><tr><th>n°</th><th>Reçu (UTC)</th><th>Destinataires</th><th>Objet</th></tr></thead><tbody>${rows}</tbody></table>`
      : '<p>Aucun courriel pour l’instant.</p>';
    send(
      res,
      200,
      'text/html; charset=utf-8',
      page(
        `Courriels envoyés par la plateforme locale (${messages.length})`,
        `<p>Serveur SMTP ${escapeHtml(smtp.url)}</p>${where}${table}`,
      ),
    );
    return true;
  }
  const n = Number(rest.slice(1));
  const m = Number.isInteger(n) ? messages.find((x) => x.n === n) : undefined;
  if (!m) {
    const body = JSON.stringify({
      code: 'COURRIEL_INCONNU',
      detail: `Aucun courriel n° ${rest.slice(1)} : la liste est à /_local/mails.`,
    });
    send(res, 404, 'application/problem+json', body);
    return true;
  }
  if (!wantsHtml) send(res, 200, 'application/json', JSON.stringify(m));
  else send(res, 200, 'text/html; charset=utf-8', m.html || page(m.subject, `<pre>${escapeHtml(m.text)}</pre>`));
  return true;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

function summary(m: ReceivedMail) {
  return { n: m.n, messageId: m.messageId, from: m.from, to: m.to, subject: m.subject, receivedAt: m.receivedAt };
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
