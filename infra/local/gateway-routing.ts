import type { LocalLambdaHandler } from './types';

/** The local gateway's route table: which registry function (or in-process handler) answers a method and path. */

export interface GatewayRoute {
  readonly method: string;
  readonly path: string;
  readonly public: boolean;
  /** Registry key, or an in-process handler (extension routes). */
  readonly target: string | LocalLambdaHandler;
}

/** A path whose percent-encoding does not decode (`/v1/dossiers/%FF`): the client's fault, answered 400. */
export class MalformedPath extends Error {}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new MalformedPath(segment);
  }
}

export interface Match {
  route: GatewayRoute;
  pathParameters: Record<string, string>;
  score: number[];
}

function matchRoute(route: GatewayRoute, method: string, segments: string[]): Match | undefined {
  if (route.method !== method) return undefined;
  const template = route.path.split('/').slice(1);
  const pathParameters: Record<string, string> = {};
  const score: number[] = [];
  for (let i = 0; i < template.length; i += 1) {
    const t = template[i] as string;
    const greedy = /^\{(.+)\+\}$/.exec(t);
    if (greedy) {
      if (i >= segments.length) return undefined;
      pathParameters[greedy[1] as string] = segments.slice(i).map(decodeSegment).join('/');
      score.push(0);
      return { route, pathParameters, score };
    }
    const seg = segments[i];
    if (seg === undefined) return undefined;
    const param = /^\{(.+)\}$/.exec(t);
    if (param) {
      if (seg === '') return undefined;
      pathParameters[param[1] as string] = decodeSegment(seg);
      score.push(1);
    } else if (t === seg) score.push(2);
    else return undefined;
  }
  return segments.length === template.length ? { route, pathParameters, score } : undefined;
}

/** API Gateway picks the most specific route: literal segments before parameters before greedy ones. */
export function bestMatch(routes: readonly GatewayRoute[], method: string, path: string): Match | undefined {
  const segments = path.split('/').slice(1);
  let best: Match | undefined;
  for (const route of routes) {
    const m = matchRoute(route, method, segments);
    if (!m) continue;
    if (!best || compareScores(m.score, best.score) > 0) best = m;
  }
  return best;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
