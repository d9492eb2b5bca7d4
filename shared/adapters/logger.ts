import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/**
 * Logs are Powertools JSON lines. The process has one root logger (service name and level from
 * POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL), created on first use so that importing the HTTP layer costs
 * nothing. Each invocation logs through its own child of it (`invocationLogger`), carrying the invocation's
 * operation and correlation id: keys are never appended to a logger that another invocation shares, because the
 * embedded platform runs many invocations at once in one process (and Lambda may too). Code that has no logger
 * handed to it (services, stores) asks `currentLogger()`, the logger of the invocation it runs in.
 */
let root: Logger | undefined;
const scope = new AsyncLocalStorage<Logger | (() => Logger)>();

export function rootLogger(): Logger {
  if (!root) root = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'factures-travaux' });
  return root;
}

/** The logger of the invocation this code runs in (`runWithLogger`), else the root logger. */
export function currentLogger(): Logger {
  const logger = scope.getStore();
  if (typeof logger === 'function') return logger();
  return logger ?? rootLogger();
}

let invoked = false;

/**
 * Whether the invocation now starting is the process's first (a Lambda cold start): true once, then false. Each
 * invocation's logger is a fresh Powertools logger, whose own cold-start flag is true on its first use whatever the
 * process has run before, so the process keeps the flag itself.
 */
export function takeColdStart(): boolean {
  const cold = !invoked;
  invoked = true;
  return cold;
}

export interface InvocationKeys {
  /** The operation (API operationId, task or handler name). */
  readonly operation: string;
  /** The correlation id (API Gateway's request id, the Lambda request id). */
  readonly correlationId: string;
  /** The Lambda context, for its standard keys (function name, request id, cold start…). */
  readonly context?: Context;
  /** Whether the invocation is the process's cold start, taken when it began (`takeColdStart()` if absent). */
  readonly coldStart?: boolean;
  readonly keys?: Record<string, unknown>;
}

/** A fresh child of `parent` for one invocation, with its keys set on it alone. */
export function invocationLogger(keys: InvocationKeys, parent: Logger = rootLogger()): Logger {
  const logger = parent.createChild();
  if (keys.context) {
    // The child answers true to its first getColdStart() (which addContext asks): use that answer up when the
    // process had invoked before, so the context records cold_start: false
    // (getColdStart is protected in Powertools' types: it is the documented way the flag flips, read once here)
    if (!(keys.coldStart ?? takeColdStart())) (logger as unknown as { getColdStart(): boolean }).getColdStart();
    logger.addContext(keys.context);
  }
  logger.setCorrelationId(keys.correlationId);
  logger.appendPersistentKeys({ operationId: keys.operation, ...keys.keys });
  return logger;
}

/**
 * Runs `fn` with `logger` as `currentLogger()` for everything it calls, awaited or not; given as a function, the
 * logger is asked for only when something logs (an HTTP request's, built on first use: shared/http/state.ts).
 */
export function runWithLogger<T>(logger: Logger | (() => Logger), fn: () => T): T {
  return scope.run(logger, fn);
}
