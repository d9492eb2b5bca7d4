/**
 * A start-up problem the developer can fix (missing Java, busy port…): `main.ts` prints the message alone, without a
 * stack trace. Messages are French first, then English, since the tool is run by people of both.
 */
export class PlatformError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PlatformError';
  }
}

export function portBusy(port: number, what: string, envHint?: string): PlatformError {
  const hint = envHint ? ` : ${envHint}` : '';
  return new PlatformError(
    'PORT_OCCUPE',
    `Le port ${port} (${what}) est déjà utilisé, peut-être par une autre instance de la plateforme locale. ` +
      `Arrêtez-la ou choisissez un autre port${hint}.\n` +
      `Port ${port} (${what}) is already in use, maybe by another instance of the local platform. ` +
      `Stop it or choose another port${envHint ? ` (${envHint})` : ''}.`,
  );
}
