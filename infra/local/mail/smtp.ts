import * as fs from 'node:fs';
import * as path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { listenPreferring } from '../net';

/** A message the local SMTP server received, as the newcomer reads it. */
export interface ReceivedMail {
  /** Order of arrival, from 1. */
  readonly n: number;
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly receivedAt: string;
  /** The raw message (RFC 5322), when kept on disk. */
  readonly file?: string;
}

export interface LocalSmtp {
  /** `smtp://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Where the messages are written as .eml files (absent in memory). */
  readonly directory?: string;
  messages(): readonly ReceivedMail[];
  stop(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const KEPT_IN_MEMORY = 1000;
/** Messages of previous runs read back from the folder at start (the newest), so that the list shows them too. */
const RELOADED_AT_START = 200;
/** A connection still open when the server stops is cut after this (smtp-server waits 30 s by default). */
const CLOSE_TIMEOUT_MS = 500;

async function parse(
  raw: Buffer,
  n: number,
  envelope: { from: string; to: string[] },
  receivedAt: string,
  file?: string,
) {
  const parsed = await simpleParser(raw);
  const to = envelope.to.length
    ? envelope.to
    : parsed.to
      ? [parsed.to].flat().flatMap((a) => a.value.map((v) => v.address ?? ''))
      : [];
  return {
    n,
    messageId: parsed.messageId ?? '',
    from: parsed.from?.text ?? envelope.from,
    to,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    receivedAt,
    file,
  } satisfies ReceivedMail;
}

/** The newest .eml files of the folder, as received messages (numbered from their file name). */
async function reload(directory: string): Promise<ReceivedMail[]> {
  const files = fs
    .readdirSync(directory)
    .filter((f) => /^\d+-\d+\.eml$/.test(f))
    .sort()
    .slice(-RELOADED_AT_START);
  const out: ReceivedMail[] = [];
  for (const f of files) {
    const [n, ms] = f.replace('.eml', '').split('-').map(Number) as [number, number];
    const file = path.join(directory, f);
    try {
      out.push(await parse(fs.readFileSync(file), n, { from: '', to: [] }, new Date(ms).toISOString(), file));
    } catch {
      // An unreadable file stays on disk; the list leaves it out
    }
  }
  return out;
}

/**
 * The local stand-in for Amazon SES (issue 13): a real SMTP server (`smtp-server`) on loopback that `npm start` runs,
 * so that the e-mails the demo produces can be read: each message is kept as an .eml file under the data folder
 * (`.local/data/mails`, opened by any mail client) and listed by the gateway at `/_local/mails`.
 */
export async function startLocalSmtp(options: { port?: number; directory?: string } = {}): Promise<LocalSmtp> {
  const received: ReceivedMail[] = [];
  let n = 0;
  if (options.directory) {
    fs.mkdirSync(options.directory, { recursive: true });
    received.push(...(await reload(options.directory)));
    n = Math.max(
      0,
      ...received.map((m) => m.n),
      fs.readdirSync(options.directory).filter((f) => f.endsWith('.eml')).length,
    );
  }
  const server = new SMTPServer({
    authOptional: true,
    closeTimeout: CLOSE_TIMEOUT_MS,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: 'Factures de travaux — serveur de messagerie local',
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('Message trop volumineux'), { responseCode: 552 }));
          return;
        }
        n += 1;
        const number = n;
        const receivedAt = new Date().toISOString();
        const file = options.directory
          ? path.join(options.directory, `${String(number).padStart(5, '0')}-${Date.now()}.eml`)
          : undefined;
        if (file) fs.writeFileSync(file, raw);
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        parse(raw, number, envelope, receivedAt, file)
          .then((mail) => {
            received.push(mail);
            if (received.length > KEPT_IN_MEMORY) received.shift();
            callback();
          })
          .catch((e: unknown) => callback(e as Error));
      });
    },
  });
  const port = await listenPreferring(server.server, options.port ?? 0, '127.0.0.1');
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    directory: options.directory,
    messages: () => [...received],
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
