import type { UserNotification } from '../../adapters/dynamo/notifications/inbox-store';
import type { OutgoingMail } from '../../adapters/mail';
import { formatDateFr } from '../../domain/circuits/labels';
import { NOTIFICATION_KIND_LABELS } from '../../domain/notifications';

/**
 * The e-mails of notifications (issue 13), in French, plain text and HTML: the dossier's number, the action
 * expected, the deadline and a link to the portal.
 */
const SERVICE = 'Factures de travaux';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function portalLink(portalUrl: string, path: string): string {
  return `${portalUrl.replace(/\/+$/, '')}${path}`;
}

export function messageIdOf(id: string): string {
  return `<${id}@factures-travaux>`;
}

function textBlock(n: UserNotification, portalUrl: string): string[] {
  const lines = [n.title, '', ...n.lines];
  if (n.action && !n.mustAct)
    lines.push("Pour information : votre accès à cet espace est en consultation, vous n'avez pas à agir.");
  lines.push('', `Ouvrir dans le portail : ${portalLink(portalUrl, n.link)}`);
  return lines;
}

function htmlBlock(n: UserNotification, portalUrl: string): string {
  const paragraphs = n.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('');
  const deadline = n.action?.lastDay
    ? `<p><strong>Échéance : ${escapeHtml(formatDateFr(n.action.lastDay))}</strong></p>`
    : '';
  const info =
    n.action && !n.mustAct
      ? "<p><em>Pour information : votre accès à cet espace est en consultation, vous n'avez pas à agir.</em></p>"
      : '';
  const href = escapeHtml(portalLink(portalUrl, n.link));
  return `<h2>${escapeHtml(n.title)}</h2>${paragraphs}${deadline}${info}<p><a href="${href}">Ouvrir dans le portail</a></p>`;
}

function page(body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${SERVICE}</title></head><body>${body}<hr><p style="color:#666">${SERVICE} — message automatique. Vos préférences de notification se règlent dans Mon compte.</p></body></html>`;
}

const FOOTER = [
  '',
  '--',
  `${SERVICE} — message automatique. Vos préférences de notification se règlent dans Mon compte.`,
];

/** The e-mail of one notification. */
export function notificationMail(n: UserNotification, portalUrl: string): OutgoingMail {
  return {
    to: n.contactAddress,
    subject: `[${SERVICE}] ${n.title}`,
    text: [...textBlock(n, portalUrl), ...FOOTER].join('\n'),
    html: page(htmlBlock(n, portalUrl)),
    messageId: messageIdOf(n.id),
  };
}

/** The daily digest of one user: every notification of the day, in order. */
export function digestMail(
  userId: string,
  day: string,
  to: string,
  items: readonly UserNotification[],
  portalUrl: string,
): OutgoingMail {
  const sorted = [...items].sort((a, b) => (a.at < b.at ? -1 : 1));
  const title = `Vos notifications du ${formatDateFr(day)} (${sorted.length})`;
  const text = [
    title,
    '',
    ...sorted.flatMap((n) => [`• ${NOTIFICATION_KIND_LABELS[n.kind]}`, ...textBlock(n, portalUrl), '']),
  ];
  const html = `<h1>${escapeHtml(title)}</h1>${sorted.map((n) => htmlBlock(n, portalUrl)).join('<hr>')}`;
  return {
    to,
    subject: `[${SERVICE}] ${title}`,
    text: [...text, ...FOOTER].join('\n'),
    html: page(html),
    messageId: messageIdOf(`digest-${day}-${userId}`),
  };
}
