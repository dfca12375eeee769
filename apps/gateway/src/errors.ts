import type { ServerResponse } from 'node:http';
import type { MatchedRoute } from './routes';

export type GatewayErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'payload_too_large'
  | 'rate_limited'
  | 'no_ready_replica'
  | 'upstream_unavailable'
  /** Held for a sleeping deployment when the gateway shut down. */
  | 'waking'
  /** Held for a sleeping deployment longer than SLIPWAY_HOLD_TIMEOUT_MS. */
  | 'hold_timeout'
  /** The deployment already holds SLIPWAY_HOLD_MAX_REQUESTS requests while it wakes. */
  | 'hold_full';

const STATUS: Record<GatewayErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  rate_limited: 429,
  no_ready_replica: 503,
  upstream_unavailable: 502,
  waking: 503,
  hold_timeout: 503,
  hold_full: 503,
};

/** Answers in the error shape of the protocol the caller speaks. */
export function sendError(res: ServerResponse, protocol: MatchedRoute['protocol'], code: GatewayErrorCode, message: string): void {
  const body = protocol === 'slipway' ? { error: { code, message } } : { error: message };
  const payload = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
  if (code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
  res.writeHead(STATUS[code], headers).end(payload);
}
