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
    n = fs.readdirSync(options.directory).filter((f) => f.endsWith('.eml')).length;
  }
  const server = new SMTPServer({
    authOptional: true,
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
        simpleParser(raw)
          .then((parsed) => {
            n += 1;
            const file = options.directory
              ? path.join(options.directory, `${String(n).padStart(5, '0')}-${Date.now()}.eml`)
              : undefined;
            if (file) fs.writeFileSync(file, raw);
            received.push({
              n,
              messageId: parsed.messageId ?? '',
              from: parsed.from?.text ?? session.envelope.mailFrom?.toString() ?? '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              receivedAt: new Date().toISOString(),
              file,
            });
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
