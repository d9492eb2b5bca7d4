import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlatformError } from './errors';

/**
 * The platform clock's offset, kept with the data (`<dataDir>/clock.json`). Dossiers record instants of the platform
 * clock: after `POST /_local/clock {"advanceDays": 45}`, a restart at offset 0 would put their actions in the future
 * (deadlines not yet started, DGP days negative). So the offset is saved each time the clock moves and read back
 * before anything reads the clock. In memory (tests), nothing is kept: every run starts from real time, or from the
 * instant `startAt` names. The offset is negative when a run started in the past.
 */
export const CLOCK_FILE = 'clock.json';

interface ClockFile {
  /** Platform time = real time + offsetMs. */
  readonly offsetMs: number;
  /** For the reader only: platform time when the offset was saved. */
  readonly platformNow?: string;
  readonly savedAt?: string;
}

/** The saved offset, 0 when nothing was saved yet. A file that cannot be read is a start-up error, never a reset. */
export function loadClockOffset(dataDir: string): number {
  const file = path.join(dataDir, CLOCK_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw unreadable(file, error);
  }
  let offset: unknown;
  try {
    offset = (JSON.parse(text) as Partial<ClockFile>).offsetMs;
  } catch (error) {
    throw unreadable(file, error);
  }
  if (typeof offset !== 'number' || !Number.isFinite(offset)) throw unreadable(file);
  return offset;
}

/** Writes the offset (write to a temporary file, then rename: a crash leaves the old file or the new one). */
export function saveClockOffset(dataDir: string, offsetMs: number, platformNow: Date): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, CLOCK_FILE);
  const body: ClockFile = { offsetMs, platformNow: platformNow.toISOString(), savedAt: new Date().toISOString() };
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(body, null, 2)}\n`);
  fs.renameSync(temp, file);
}

function unreadable(file: string, cause?: unknown): PlatformError {
  return new PlatformError(
    'HORLOGE_ILLISIBLE',
    `Le décalage de l’horloge locale enregistré dans ${file} est illisible. Corrigez-le ({"offsetMs": <ms>}) ` +
      'ou supprimez tout le dossier de données pour repartir de l’heure réelle (les dossiers enregistrés sont datés ' +
      'sur cette horloge).\n' +
      `The local clock offset saved in ${file} cannot be read. Fix it ({"offsetMs": <ms>}) or delete the whole ` +
      'data folder to start again from real time (saved dossiers are dated on that clock).',
    { cause },
  );
}

/**
 * The offset the platform clock starts from: the one saved with the data (0 in memory), or the one that makes it
 * read `startAt` now. Over saved data the clock never goes back: a `startAt` before the instant the saved clock
 * reads (real time when none was saved) is refused, the dossiers being dated on it. An empty data folder may start
 * anywhere.
 */
export function startingClockOffset(dataDir: string | undefined, startAt: Date | string | undefined, realNow: Date) {
  const saved = dataDir ? loadClockOffset(dataDir) : 0;
  if (startAt === undefined) return saved;
  const start = typeof startAt === 'string' ? new Date(startAt) : startAt;
  if (Number.isNaN(start.getTime())) {
    throw new PlatformError(
      'HORLOGE_DEPART_INVALIDE',
      `L’instant de départ de l’horloge locale « ${String(startAt)} » n’est pas une date ISO 8601 ` +
        '(exemple : 2027-03-01T10:00:00+01:00).\n' +
        `The local clock's start instant "${String(startAt)}" is not an ISO 8601 date (e.g. 2027-03-01T10:00:00+01:00).`,
    );
  }
  const savedNow = realNow.getTime() + saved;
  if (dataDir && holdsData(dataDir) && start.getTime() < savedNow) {
    const reached = new Date(savedNow).toISOString();
    throw new PlatformError(
      'HORLOGE_RECUL_INTERDIT',
      `L’horloge locale enregistrée dans ${dataDir} en est à ${reached} : elle ne peut pas repartir de ` +
        `${start.toISOString()}, plus tôt (les dossiers enregistrés sont datés sur elle). Choisissez un instant ` +
        'plus tardif, ou un autre dossier de données.\n' +
        `The local clock saved in ${dataDir} reads ${reached}: it cannot start again from the earlier ` +
        `${start.toISOString()} (saved dossiers are dated on it). Choose a later instant or another data folder.`,
    );
  }
  return start.getTime() - realNow.getTime();
}

function holdsData(dataDir: string): boolean {
  try {
    return fs.readdirSync(dataDir).length > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
