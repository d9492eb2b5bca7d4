import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One Powertools logger per process (service name and level from POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL),
 * created on first use so that importing the HTTP layer costs nothing.
 */
let logger: Logger | undefined;

export function defaultLogger(): Logger {
  if (!logger) logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'factures-travaux' });
  return logger;
}
