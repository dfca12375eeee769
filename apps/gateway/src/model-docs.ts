import type { IncomingMessage, ServerResponse } from 'node:http';
import { deploymentOpenApi, loadDeploymentDocs, type Db } from '@slipway/db';
import { keyRefusal, type ApiKeyCache } from './api-keys';
import { sendError } from './errors';
import type { RoutingState } from './routing-state';

const MODEL_DOCS = /^\/models\/([a-z0-9-]+)\/openapi\.json$/;

/** `GET /models/{name}/openapi.json`: the deployment whose API docs are asked for, or undefined. */
export function matchModelDocs(method: string, path: string): string | undefined {
  return method === 'GET' ? MODEL_DOCS.exec(path)?.[1] : undefined;
}

/** The gateway's own address as the caller reached it, for the document's `servers`. */
function requestOrigin(req: IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}

/**
 * The OpenAPI document of a serving deployment's current version, for the same API keys that may call it.
 * Docs are read rarely, so they come from Postgres on each request rather than from the routing table.
 */
export interface ModelDocsDeps {
  db: Db;
  keys: ApiKeyCache;
  routing: RoutingState;
  apiKeyOf: (req: IncomingMessage) => string | undefined;
}

export async function serveModelDocs(deps: ModelDocsDeps, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  const key = deps.apiKeyOf(req);
  if (!key) return sendError(res, 'slipway', 'unauthorized', 'missing API key: send "Authorization: Bearer <key>"');
  const principal = deps.keys.cached(key) ?? (await deps.keys.authenticate(key));
  if (!principal) return sendError(res, 'slipway', 'unauthorized', 'invalid or revoked API key');
  const routed = deps.routing.deployment(name);
  if (!routed) return sendError(res, 'slipway', 'not_found', `no deployment named '${name}' is serving`);
  const refusal = keyRefusal(principal, routed, 'read', Date.now());
  if (refusal) return sendError(res, 'slipway', refusal.code, refusal.message);
  const docs = await loadDeploymentDocs(deps.db, name);
  const document = docs && deploymentOpenApi(docs, requestOrigin(req));
  if (!document) return sendError(res, 'slipway', 'not_found', `'${name}' serves no inspected version`);
  const payload = JSON.stringify(document);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }).end(payload);
}
