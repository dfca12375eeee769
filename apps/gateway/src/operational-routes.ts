import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerOf, tokenMatches } from './credentials';
import { sendError } from './errors';
import { matchModelDocs, type ModelDocsDeps, serveModelDocs } from './model-docs';
import type { RouteKind } from './routes';
import { log } from './log';

/** Matches one exact path, whatever the method. */
const exactly = (wanted: string) => (_method: string, path: string) => (path === wanted ? true : undefined);

/** `/healthz`: the process is up. */
export const healthRoute: RouteKind<true> = {
  name: 'health',
  match: exactly('/healthz'),
  handle: (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'),
};

/** `/metrics` in the Prometheus text format: it names every deployment and variant, so only for a scraper holding the token. */
export function metricsRoute(token: string | undefined, text: () => Promise<string>): RouteKind<true> {
  return {
    name: 'metrics',
    match: exactly('/metrics'),
    handle: (req: IncomingMessage, res: ServerResponse) => {
      if (!token || !tokenMatches(bearerOf(req), token)) {
        return sendError(res, 'slipway', 'unauthorized', 'send "Authorization: Bearer <SLIPWAY_METRICS_TOKEN>" to read the metrics');
      }
      void text().then((body) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body));
    },
  };
}

/** `GET /models/<name>/openapi.json`: the deployment's API docs. */
export function modelDocsRoute(deps: ModelDocsDeps): RouteKind<string> {
  return {
    name: 'model-docs',
    match: matchModelDocs,
    handle: (req, res, name) =>
      void serveModelDocs(deps, req, res, name).catch((error) => {
        log.error({ err: error }, 'gateway error');
        if (!res.headersSent) sendError(res, 'slipway', 'upstream_unavailable', 'the gateway could not load the API docs');
      }),
  };
}
