/**
 * A structural check of an OpenAPI 3.1 document, enough to trust a client generator with it: every `$ref`
 * resolves, every operation has a unique operationId and a 2xx response, path parameters match the template,
 * every response has a description, every schema object is a JSON object. Returns the faults found.
 */
type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

function deref(doc: Json, node: unknown): Json {
  let current = node as Json;
  for (let i = 0; i < 10 && typeof current?.$ref === 'string'; i++)
    current = resolvePointer(doc, current.$ref as string) as Json;
  return current;
}

export function openApiFaults(doc: Json): string[] {
  const faults: string[] = [];
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) faults.push('openapi must be 3.1.x');
  const info = doc.info as Json | undefined;
  if (typeof info?.title !== 'string' || typeof info?.version !== 'string')
    faults.push('info.title and info.version required');
  if (!doc.paths || typeof doc.paths !== 'object') faults.push('paths required');

  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => {
        walk(n, `${at}/${i}`);
      });
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref') {
        if (typeof v !== 'string' || resolvePointer(doc, v) === undefined)
          faults.push(`${at}: $ref ${String(v)} does not resolve`);
      } else {
        walk(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      }
    }
  };
  walk(doc, '#');

  const ids = new Set<string>();
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    if (!path.startsWith('/')) faults.push(`${path}: path must start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).sort();
    for (const method of Object.keys(item).filter((k) => METHODS.includes(k))) {
      const op = item[method] as Json;
      const where = `${method.toUpperCase()} ${path}`;
      if (typeof op.operationId !== 'string' || op.operationId.length === 0) faults.push(`${where}: no operationId`);
      else if (ids.has(op.operationId)) faults.push(`${where}: duplicate operationId ${op.operationId}`);
      else ids.add(op.operationId);
      const responses = (op.responses ?? {}) as Record<string, unknown>;
      if (!Object.keys(responses).some((s) => /^2\d\d$/.test(s))) faults.push(`${where}: no 2xx response`);
      for (const [status, response] of Object.entries(responses)) {
        const r = deref(doc, response);
        if (!/^[1-5]\d\d$|^[1-5]XX$|^default$/.test(status)) faults.push(`${where}: bad status key ${status}`);
        if (typeof r?.description !== 'string') faults.push(`${where} ${status}: response without description`);
      }
      const params = ((op.parameters ?? []) as unknown[]).map((p) => deref(doc, p));
      const seen = new Set<string>();
      for (const p of params) {
        if (typeof p?.name !== 'string' || !['path', 'query', 'header', 'cookie'].includes(p.in as string)) {
          faults.push(`${where}: malformed parameter ${JSON.stringify(p)}`);
          continue;
        }
        const key = `${p.in}:${String(p.name).toLowerCase()}`;
        if (seen.has(key)) faults.push(`${where}: parameter ${key} declared twice`);
        seen.add(key);
        if (!p.schema && !p.content) faults.push(`${where}: parameter ${p.name} without schema`);
        if (p.in === 'path' && p.required !== true) faults.push(`${where}: path parameter ${p.name} must be required`);
      }
      const inPath = params
        .filter((p) => p?.in === 'path')
        .map((p) => p.name as string)
        .sort();
      if (JSON.stringify(inPath) !== JSON.stringify(templated)) {
        faults.push(`${where}: path parameters ${inPath} do not match the template ${templated}`);
      }
      if (op.requestBody) {
        const body = deref(doc, op.requestBody);
        if (!body?.content || Object.keys(body.content as Json).length === 0)
          faults.push(`${where}: requestBody without content`);
      }
      for (const requirement of (op.security ?? []) as Json[]) {
        for (const scheme of Object.keys(requirement)) {
          if (!resolvePointer(doc, `#/components/securitySchemes/${scheme}`))
            faults.push(`${where}: unknown security scheme ${scheme}`);
        }
      }
    }
  }
  for (const [name, schema] of Object.entries(((doc.components as Json)?.schemas ?? {}) as Json)) {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) faults.push(`components.schemas.${name}: invalid name`);
    if (!schema || typeof schema !== 'object') faults.push(`components.schemas.${name}: not a schema object`);
  }
  return faults;
}
