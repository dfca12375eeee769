import type { IncomingMessage, ServerResponse } from 'node:http';
import { stickyUnit } from '@slipway/core';
import type { RoutedDeployment } from '@slipway/queue';
import { type ApiKeyCache, keyRefusal } from './api-keys';
import { readBody } from './body';
import type { Call } from './call';
import { apiKeyOf } from './credentials';
import { sendError } from './errors';
import type { RateLimiter } from './rate-limiter';
import type { RequestAccounting } from './request-accounting';
import type { MatchedRoute } from './routes';

/** Request headers that steer routing. */
export const STICKY_HEADER = 'x-slipway-key';
export const PIN_HEADER = 'x-slipway-variant';

export interface AdmissionDeps {
  keys: Pick<ApiKeyCache, 'cached' | 'authenticate'>;
  limiter: Pick<RateLimiter, 'takeHeld' | 'take'>;
  /** The serving deployment of this name, from the routing table. */
  deployment: (name: string) => RoutedDeployment | undefined;
  maxBodyBytes: number;
  /** Counts each admitted request against its key (per-key usage). */
  usage?: { count(keyId: string): void };
  now?: () => number;
}

/** Why a pinned variant cannot take the request, or undefined when it can (or nothing is pinned). */
export function pinRefusal(deployment: RoutedDeployment, pinned: string | undefined): string | undefined {
  if (pinned === undefined) return undefined;
  const named = deployment.variants.filter((v) => v.name === pinned);
  if (named.length === 0) return `no serving variant named '${pinned}'`;
  if (!named.some((v) => v.weight > 0)) return `variant '${pinned}' does not take direct traffic (it is a shadow or at weight 0)`;
  return undefined;
}

/**
 * Admission: API key, rate limit, deployment, team, pinned variant, then the body. `admit` answers every
 * refusal itself and returns the call only when it may go on. A body over the limit rejects with
 * BodyTooLargeError.
 */
export function createAdmission(deps: AdmissionDeps) {
  const authorize = createAuthorization(deps);
  return async function admit(req: IncomingMessage, res: ServerResponse, route: MatchedRoute, accounting: RequestAccounting): Promise<Call | undefined> {
    const authorized = await authorize(req, res, route);
    if (!authorized) return undefined;
    const body = await readBody(req, deps.maxBodyBytes);
    return { req, res, route, ...authorized, body, accounting, mayHold: true };
  };
}

/** Who may call what, without reading the body: a service's request body streams to its replica as it arrives. */
export interface Authorized {
  deployment: RoutedDeployment;
  pinned: string | undefined;
  unit: number;
}

/** Everything admission checks but the body (API key, rate limit, deployment, team, pinned variant); answers every refusal itself. */
export function createAuthorization(deps: Omit<AdmissionDeps, 'maxBodyBytes'>) {
  return async function authorize(req: IncomingMessage, res: ServerResponse, route: MatchedRoute): Promise<Authorized | undefined> {
    const key = apiKeyOf(req);
    if (!key) return void sendError(res, route.protocol, 'unauthorized', 'missing API key: send "Authorization: Bearer <key>"');
    const principal = deps.keys.cached(key) ?? (await deps.keys.authenticate(key));
    if (!principal) return void sendError(res, route.protocol, 'unauthorized', 'invalid or revoked API key');
    const allowed =
      deps.limiter.takeHeld(principal.keyId, principal.rateLimitPerSecond) ?? (await deps.limiter.take(principal.keyId, principal.rateLimitPerSecond));
    if (!allowed.ok) {
      res.setHeader('retry-after', String(Math.max(1, Math.ceil(allowed.retryAfterMs / 1000))));
      return void sendError(res, route.protocol, 'rate_limited', 'rate limit exceeded for this API key');
    }
    const deployment = deps.deployment(route.deploymentName);
    if (!deployment) return void sendError(res, route.protocol, 'not_found', `no deployment named '${route.deploymentName}' is serving`);
    const refusal = keyRefusal(principal, deployment, 'invoke', deps.now?.() ?? Date.now());
    if (refusal) return void sendError(res, route.protocol, refusal.code, refusal.message);
    deps.usage?.count(principal.keyId);
    const pinnedHeader = req.headers[PIN_HEADER];
    const pinned = typeof pinnedHeader === 'string' ? pinnedHeader : undefined;
    const unpinnable = pinRefusal(deployment, pinned);
    if (unpinnable) return void sendError(res, route.protocol, 'not_found', unpinnable);
    const sticky = req.headers[STICKY_HEADER];
    const unit = typeof sticky === 'string' ? stickyUnit(sticky) : Math.random();
    return { deployment, pinned, unit };
  };
}

export type Authorize = ReturnType<typeof createAuthorization>;

export type Admit = ReturnType<typeof createAdmission>;
