import type { OperationDescription } from './types';

/**
 * Every operation built by `httpHandler` registers its description here when its module loads; the OpenAPI
 * document is built from this list (or from an explicit one). Keyed by method and path: loading a module twice
 * replaces its entry instead of duplicating it.
 */
const registered = new Map<string, OperationDescription>();

export function registerOperation(operation: OperationDescription): void {
  checkOperation(operation);
  registered.set(`${operation.method} ${operation.path}`, operation);
}

export function operations(): OperationDescription[] {
  return [...registered.values()];
}

const OPERATION_ID = /^[a-z][A-Za-z0-9]*$/;
const PATH = /^(?:\/(?:[A-Za-z0-9._~-]+|\{[A-Za-z][A-Za-z0-9]*\}))+$|^\/$/;

/** `{name}` segments of a route path, in order. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/**
 * Refuses, when the module loads, a description the API could not honour or document: every path parameter
 * declared in `params` and the other way round, a 2xx response, no body on GET or DELETE.
 */
export function checkOperation(op: OperationDescription): void {
  const where = `operation ${op.operationId} (${op.method} ${op.path})`;
  if (!OPERATION_ID.test(op.operationId)) throw new Error(`${where}: operationId must be camelCase`);
  if (!PATH.test(op.path)) throw new Error(`${where}: invalid path template`);
  const inPath = pathParameterNames(op.path);
  const declared = op.params ? Object.keys(op.params._zod.def.shape) : [];
  const missing = inPath.filter((n) => !declared.includes(n));
  const extra = declared.filter((n) => !inPath.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`${where}: params must declare exactly the path parameters (missing: ${missing}, extra: ${extra})`);
  }
  if (!Object.keys(op.responses).some((s) => Number(s) >= 200 && Number(s) < 300)) {
    throw new Error(`${where}: at least one 2xx response must be documented`);
  }
  if (op.body && (op.method === 'GET' || op.method === 'DELETE')) throw new Error(`${where}: no body on ${op.method}`);
  if (op.headers && Object.keys(op.headers._zod.def.shape).some((h) => h !== h.toLowerCase())) {
    throw new Error(`${where}: header names must be lower case`);
  }
}
