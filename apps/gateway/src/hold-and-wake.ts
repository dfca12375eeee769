import type { RoutedDeployment } from '@slipway/queue';
import type { Call } from './call';
import { sendError } from './errors';
import type { HoldRefusal, RequestHold } from './hold';
import type { RoutedVariant } from './routing-state';
import { sleepingChoice } from './upstream';
import type { Waker } from './wake';

/** Retry-After on the 503s of the hold: a cold start (process, model load, warm-up) takes seconds. */
export const HOLD_RETRY_AFTER_SECONDS = 5;

export interface HoldAndWakeDeps {
  hold: RequestHold;
  waker: Pick<Waker, 'wake'>;
  /** The deployment's current routing entry. */
  deployment: (name: string) => RoutedDeployment | undefined;
  limits: { holdMaxRequests: number; holdTimeoutMs: number };
}

/**
 * Requests routed to a variant with no ready replica (scaled to zero, or waking): asks the worker to wake
 * it, holds the request until a routing update gives that variant a replica, then hands it back to be
 * forwarded; refuses with 503 and Retry-After when the hold is full, times out, or the gateway stops.
 */
export class HoldAndWake {
  constructor(private readonly deps: HoldAndWakeDeps) {}

  /** After each routing update: releases what may go on, and asks again to wake what still waits. */
  reconsider(): void {
    for (const name of this.deps.hold.reconsider(this.deps.deployment)) {
      const deployment = this.deps.deployment(name);
      if (deployment) this.deps.waker.wake(deployment);
    }
  }

  /** Holds the call for `variant`; `resume` forwards it once released, with the deployment's current entry. */
  hold(call: Call, variant: RoutedVariant, resume: (call: Call) => void): void {
    const { res, route, deployment } = call;
    this.deps.waker.wake(deployment);
    const held = this.deps.hold.add(deployment.name, {
      res,
      isWaiting: (current) => current !== undefined && sleepingChoice(current, call.unit, call.pinned) !== undefined,
      settle: (outcome, current) => {
        if (outcome === 'disconnected') return;
        if (outcome !== 'released') return this.refuse(call, outcome);
        if (!current) return sendError(res, route.protocol, 'not_found', `no deployment named '${deployment.name}' is serving`);
        call.accounting.restartClock();
        resume({ ...call, deployment: current, mayHold: false });
      },
    });
    if (!held) {
      this.refuse(call, 'hold_full');
      return;
    }
    // In flight for the variant it waits for: the autoscaler scales on requests in flight and queued.
    call.accounting.assign(variant.id);
  }

  /** Answers every held request with 503 `waking` (the gateway stops). */
  close(): void {
    this.deps.hold.settleAll('waking');
  }

  private refuse({ res, route, deployment }: Call, code: HoldRefusal): void {
    const { holdMaxRequests, holdTimeoutMs } = this.deps.limits;
    const messages: Record<HoldRefusal, string> = {
      hold_full: `'${deployment.name}' is waking up and already holds ${holdMaxRequests} waiting requests; retry shortly`,
      hold_timeout: `'${deployment.name}' did not wake up within ${holdTimeoutMs} ms; retry shortly`,
      waking: `'${deployment.name}' is waking up; retry shortly`,
    };
    res.setHeader('retry-after', String(HOLD_RETRY_AFTER_SECONDS));
    sendError(res, route.protocol, code, messages[code]);
  }
}
