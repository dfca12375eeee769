import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { MatchedRoute } from './routes';

/*
 * A service's paths: everything under `/services/<name>/` is the service's own (its routes, its docs, its
 * streams), forwarded as is. A prefix of its own rather than `/models/<name>/…`: a service may well serve
 * `/predict` or `/v2/…` itself, and under `/models/<name>/` those would collide with the gateway's model
 * protocols and docs; under `/services/<name>/` nothing the gateway answers can shadow a service's route.
 */

const SERVICE_PATH = /^\/services\/([a-z0-9-]+)(\/.*)?$/;

/** The service and the path on its replica (`/services/pi/api/v0/pi?ndigits=9` → `/api/v0/pi?ndigits=9`), query kept as sent. */
export function matchServicePath(url: string): MatchedRoute | undefined {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const m = SERVICE_PATH.exec(path);
  if (!m) return undefined;
  const rest = m[2] ?? '/';
  return { deploymentName: m[1]!, upstreamPath: rest + (queryAt === -1 ? '' : url.slice(queryAt)), protocol: 'slipway' };
}

/** The prefix a service is reached under, for services that build absolute links (FastAPI's root_path). */
export function servicePrefix(name: string): string {
  return `/services/${name}`;
}

/** Connection-scoped headers (RFC 9110 §7.6.1): never forwarded by a proxy. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

/** The caller's credentials for the platform: the service never sees the API key. */
const CALLER_CREDENTIALS = new Set(['authorization', 'x-api-key']);

function withoutConnectionHeaders(headers: IncomingHttpHeaders, drop: ReadonlySet<string>): OutgoingHttpHeaders {
  const listed = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || drop.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** What the service receives: the caller's headers minus hop-by-hop ones and the API key, plus x-request-id and the forwarding headers. */
export function upstreamRequestHeaders(
  headers: IncomingHttpHeaders,
  context: { requestId: string; deploymentName: string; clientAddress: string | undefined },
): OutgoingHttpHeaders {
  const out = withoutConnectionHeaders(headers, CALLER_CREDENTIALS);
  out['x-request-id'] = context.requestId;
  out['x-forwarded-prefix'] = servicePrefix(context.deploymentName);
  if (headers.host) out['x-forwarded-host'] = headers.host;
  out['x-forwarded-proto'] = 'http';
  if (context.clientAddress) {
    const prior = headers['x-forwarded-for'];
    out['x-forwarded-for'] = prior ? `${prior}, ${context.clientAddress}` : context.clientAddress;
  }
  return out;
}

/** What the caller receives: the service's headers minus hop-by-hop ones, plus the variant that answered and the request id. */
export function callerResponseHeaders(headers: IncomingHttpHeaders, context: { requestId: string; variantName: string }): OutgoingHttpHeaders {
  const out = withoutConnectionHeaders(headers, new Set());
  out['x-request-id'] = context.requestId;
  out['x-slipway-variant'] = context.variantName;
  return out;
}

/** Methods a client may send twice without changing the outcome (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/** Methods a shadow may receive a copy of: safe ones only (RFC 9110 §9.2.1), never one that writes. */
export function mayMirror(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/**
 * Whether a request whose replica failed before answering may go to another replica: when nothing of it reached
 * the replica (the connection failed), or it is idempotent and none of its body was taken from the caller yet (so
 * it can be sent again whole). Never once the replica began to answer.
 */
export function mayRetry(attempt: { method: string; reachedReplica: boolean; bodyBytesSent: number; answerStarted: boolean }): boolean {
  if (attempt.answerStarted) return false;
  if (!attempt.reachedReplica) return true;
  return isIdempotent(attempt.method) && attempt.bodyBytesSent === 0;
}

/** Whether a request carries a body (a declared length above 0, or chunked). */
export function hasRequestBody(headers: IncomingHttpHeaders): boolean {
  const length = Number(headers['content-length'] ?? 0);
  return (Number.isFinite(length) && length > 0) || headers['transfer-encoding'] !== undefined;
}
