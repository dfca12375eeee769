import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Admit } from './admission';
import type { Call } from './call';
import { sendError } from './errors';
import type { HoldAndWake } from './hold-and-wake';
import { type AccountingDeps, failRequest, type Responder, startAccounting } from './response';
import type { MatchedRoute } from './routes';
import type { Upstream } from './upstream';

export interface InferenceDeps {
  accounting: AccountingDeps;
  admit: Admit;
  upstream: Pick<Upstream, 'relay'>;
  responder: Pick<Responder, 'relay'>;
  holding: Pick<HoldAndWake, 'hold'>;
  maxBodyBytes: number;
}

/**
 * The handler of the inference routes (`/models/<name>/predict`, OIP, KServe V1): admission, then the
 * upstream relay; the answer goes back to the caller, a request routed to a sleeping variant waits in the
 * hold and is relayed again once released.
 */
export function inferenceHandler(deps: InferenceDeps) {
  const relay = (call: Call): void => {
    deps.upstream
      .relay(call)
      .then((relayed) => {
        if (relayed.outcome === 'answered') return deps.responder.relay(call, relayed.target, relayed.upstream);
        if (relayed.outcome === 'asleep') return deps.holding.hold(call, relayed.variant, relay);
        sendError(call.res, call.route.protocol, relayed.code, `no replica of '${call.deployment.name}' could take the request`);
      })
      .catch((error) => failRequest(call.res, call.route.protocol, error));
  };
  return (req: IncomingMessage, res: ServerResponse, route: MatchedRoute): void => {
    const accounting = startAccounting(deps.accounting, res, route);
    deps
      .admit(req, res, route, accounting)
      .then((call) => call && relay(call))
      .catch((error) => failRequest(res, route.protocol, error));
  };
}
