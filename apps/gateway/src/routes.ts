import type { IncomingMessage, ServerResponse } from 'node:http';
import { at } from '@slipway/core';

/** An inference path matched to its deployment and the path the replica serves it on. */
export interface MatchedRoute {
  deploymentName: string;
  upstreamPath: string;
  /** Open Inference Protocol paths answer errors as `{"error": "…"}`; ours use `{"error": {code, message}}`. */
  protocol: 'slipway' | 'oip' | 'kserve-v1';
}

/**
 * One kind of route the gateway serves: how it recognises a request (method and path, without the query)
 * and what answers it. A new kind (graph endpoints, a service's paths under `/services/<name>/`) is one
 * more entry in the table, with its own handler.
 */
export interface RouteKind<Match> {
  name: string;
  match(method: string, path: string): Match | undefined;
  handle(req: IncomingMessage, res: ServerResponse, match: Match, path: string): void;
}

/** The gateway's routes, tried in the order they were added; the first kind that matches answers. */
export class RouteTable {
  private readonly kinds: RouteKind<unknown>[] = [];

  add<Match>(kind: RouteKind<Match>): this {
    this.kinds.push(kind as RouteKind<unknown>);
    return this;
  }

  /** The kind that takes this request and what it matched, or undefined. */
  find(method: string, path: string): { kind: RouteKind<unknown>; match: unknown } | undefined {
    for (const kind of this.kinds) {
      const match = kind.match(method, path);
      if (match !== undefined) return { kind, match };
    }
    return undefined;
  }

  /** Hands the request to the kind that takes it; false when none does. */
  dispatch(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const found = this.find(req.method ?? 'GET', path);
    if (!found) return false;
    found.kind.handle(req, res, found.match, path);
    return true;
  }
}

/** The path of a request URL, without its query. */
export function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?', 1)[0] ?? '/';
}

/** A route kind that matches one method and one regular expression, whose first group names the deployment. */
export interface InferenceRouteKind {
  name: string;
  match(method: string, path: string): MatchedRoute | undefined;
}

function inferenceKind(
  name: string,
  method: string,
  pattern: RegExp,
  protocol: MatchedRoute['protocol'],
  upstreamPath: (path: string) => string = (path) => path,
): InferenceRouteKind {
  return {
    name,
    match(requestMethod, path) {
      if (requestMethod !== method) return undefined;
      const m = pattern.exec(path);
      return m ? { deploymentName: at(m, 1), upstreamPath: upstreamPath(path), protocol } : undefined;
    },
  };
}

/** The data-plane paths forwarded to a deployment's replicas, mapped onto the runtime's paths. */
export const INFERENCE_ROUTES: readonly InferenceRouteKind[] = [
  inferenceKind('predict', 'POST', /^\/models\/([a-z0-9-]+)\/predict$/, 'slipway', () => '/predict'),
  inferenceKind('oip-infer', 'POST', /^\/v2\/models\/([a-z0-9-]+)(\/versions\/[^/]+)?\/infer$/, 'oip'),
  inferenceKind('oip-metadata', 'GET', /^\/v2\/models\/([a-z0-9-]+)(\/versions\/[^/]+)?(\/ready)?$/, 'oip'),
  inferenceKind('kserve-v1-predict', 'POST', /^\/v1\/models\/([a-z0-9-]+):predict$/, 'kserve-v1'),
];

/** The inference route a request takes, if any. */
export function matchRoute(method: string, path: string): MatchedRoute | undefined {
  for (const kind of INFERENCE_ROUTES) {
    const match = kind.match(method, path);
    if (match) return match;
  }
  return undefined;
}
