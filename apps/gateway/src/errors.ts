import type { ServerResponse } from 'node:http';
import { renderError, type ServiceErrorCode } from '@slipway/core';
import type { MatchedRoute } from './routes';

/** The codes the gateway answers with; statuses and meanings are in the core error catalogue. */
export type GatewayErrorCode = ServiceErrorCode<'gateway'>;

/** Answers in the error shape of the protocol the caller speaks. */
export function sendError(res: ServerResponse, protocol: MatchedRoute['protocol'], code: GatewayErrorCode, message: string): void {
  if (res.headersSent || res.destroyed) return;
  const { status, body } = renderError(protocol, code, message);
  const payload = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
  if (code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
  res.writeHead(status, headers).end(payload);
}
