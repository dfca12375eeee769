import { InvalidInputError, REPLICA_OPEN_PATHS, renderError, type ErrorProtocol } from '@slipway/core';
import type { Answer, ReplicaRequest, RequestHandler } from '../exchange';
import { json, type ProtocolContext, type ProtocolRoutes } from './context';
import { RequestError } from './errors';
import { healthRoutes } from './health';
import { kserveV1Routes } from './kserve-v1';
import { metricsRoutes } from './metrics';
import { oipRoutes } from './oip';
import { predictRoutes } from './predict';
import { logger } from '../log';

type Protocol = ErrorProtocol | 'ops';

/** Every protocol a replica speaks, asked in turn; the first that claims a request answers it. */
const ROUTES: readonly ProtocolRoutes[] = [healthRoutes, metricsRoutes, oipRoutes, kserveV1Routes, predictRoutes];

/** Which protocol a path belongs to: its errors are rendered in that protocol's shape and counted under it. */
function protocolOf(path: string): Protocol {
  if (path.startsWith('/v2/models')) return 'oip';
  if (path.startsWith('/v1/')) return 'kserve-v1';
  if (path === '/predict') return 'slipway';
  return 'ops';
}

async function route(request: ReplicaRequest, context: ProtocolContext): Promise<Answer> {
  if (!request.authorized && !REPLICA_OPEN_PATHS.includes(request.path)) {
    throw new RequestError('unauthorized', 'this replica answers only its gateway: call the deployment through the gateway');
  }
  for (const routes of ROUTES) {
    const answer = await routes(request, context);
    if (answer) return answer;
  }
  throw new RequestError('not_found', `no route for ${request.method} ${request.path}`);
}

/** Any failure as the caller's answer: OIP and KServe V1 clients expect `{"error": "…"}`; Slipway's own shape carries a stable code. */
function errorAnswer(protocol: Protocol, error: unknown): Answer {
  const requestError =
    error instanceof RequestError
      ? error
      : error instanceof InvalidInputError
        ? new RequestError('invalid_input', error.message)
        : new RequestError('internal', 'internal error');
  if (requestError.status === 500) logger.error({ err: error }, 'request failed');
  const { status, body } = renderError(protocol === 'ops' ? 'slipway' : protocol, requestError.code, requestError.message);
  return json(status, body);
}

/** The protocol layer as transports see it: one request routed, answered through `reply` (errors rendered), counted and metered. */
export function createProtocolHandler(context: ProtocolContext): RequestHandler {
  const { metrics, state } = context;
  return async (request, reply) => {
    const started = performance.now();
    const protocol = protocolOf(request.path);
    state.begin();
    let answer: Answer;
    try {
      answer = await route(request, context);
    } catch (error) {
      answer = errorAnswer(protocol, error);
    }
    // Written before the in-flight count drops: a drain that ends on this request closes connections after it.
    reply(answer);
    state.end();
    if (protocol !== 'ops') metrics.record(protocol, answer.status, performance.now() - started);
  };
}
