import { IncomingMessage } from 'node:http';
import { pickWeighted } from '@slipway/core';
import type { RoutedDeployment } from '@slipway/queue';
import type { Call } from './call';
import type { FramedTransport } from './framed-client';
import { ConnectionFailedError, forward, type UpstreamAnswer } from './forward';
import type { OutlierDetector } from './outliers';
import type { RouteTarget, RoutedVariant, RoutingState } from './routing-state';

/**
 * Variant choice: by weight among the variants that take callers' traffic (of the pinned name, if any),
 * whether or not they have a ready replica. A request whose share belongs to a sleeping variant goes to
 * that variant (and waits for it), never to whichever variant happens to be awake.
 */
export function chooseVariant(deployment: RoutedDeployment, unit: number, pinned: string | undefined): RoutedVariant | undefined {
  return pickWeighted(
    deployment.variants.filter((v) => v.weight > 0 && (pinned === undefined || v.name === pinned)),
    unit,
  );
}

/** The variant a request is routed to when it has no ready replica (asleep or waking): the request waits for it. */
export function sleepingChoice(deployment: RoutedDeployment, unit: number, pinned: string | undefined): RoutedVariant | undefined {
  const variant = chooseVariant(deployment, unit, pinned);
  return variant && variant.replicas.length === 0 ? variant : undefined;
}

/** How forwarding ended: an answer, a variant to wait for, or no replica that could take the request. */
export type Relayed =
  | { outcome: 'answered'; target: RouteTarget; upstream: UpstreamAnswer }
  | { outcome: 'asleep'; variant: RoutedVariant }
  | { outcome: 'unavailable'; code: 'upstream_unavailable' | 'no_ready_replica' };

export interface UpstreamDeps {
  routing: Pick<RoutingState, 'pick' | 'nextReplica'>;
  outliers: Pick<OutlierDetector, 'isEjected' | 'eject'>;
  /** The framed transport's connections, or undefined to always use HTTP. */
  framed: FramedTransport | undefined;
}

/**
 * Replica choice and forwarding with retry: the chosen variant's replicas round-robin, others when they
 * fail to answer (inference is pure, so a request no replica answered is safe to send again).
 */
export class Upstream {
  constructor(private readonly deps: UpstreamDeps) {}

  /** The target to try next, preferring the chosen variant and healthy replicas; undefined when none is left. */
  target(call: Call, variant: RoutedVariant | undefined, failed: ReadonlySet<string>): RouteTarget | undefined {
    const { routing, outliers } = this.deps;
    const isExcluded = (address: string) => failed.has(address) || outliers.isEjected(address);
    const replica = variant && routing.nextReplica(variant, isExcluded);
    if (variant && replica) return { variant, replica };
    const options = { unit: call.unit, pinned: call.pinned, isExcluded };
    // Then another variant by weight; if every replica is ejected, still try them rather than fail outright.
    return routing.pick(call.deployment, options) ?? routing.pick(call.deployment, { ...options, isExcluded: (a) => failed.has(a) });
  }

  /**
   * Forwards the call, retrying other replicas while none answers. Under a canary that retries on the primary, a
   * request a candidate fails (5xx or no answer) is recorded as the candidate's failure and sent once to a
   * variant that is not a candidate: the caller gets the primary's answer.
   */
  async relay(call: Call): Promise<Relayed> {
    const { req, route, body, accounting } = call;
    let variant = chooseVariant(call.deployment, call.unit, call.pinned);
    if (variant && variant.replicas.length === 0 && call.mayHold) return { outcome: 'asleep', variant };
    const failed = new Set<string>();
    let retriedOnPrimary = false;
    for (;;) {
      const target = this.target(call, variant, failed);
      if (!target) return { outcome: 'unavailable', code: failed.size > 0 ? 'upstream_unavailable' : 'no_ready_replica' };
      accounting.assign(target.variant.id);
      const primary: RoutedVariant | undefined = retriedOnPrimary ? undefined : primaryFor(call, target.variant);
      let upstream: UpstreamAnswer;
      try {
        upstream = await forward(this.deps.framed, target.replica, req.method!, route.upstreamPath, req.headers['content-type'] ?? 'application/json', body);
      } catch (error) {
        if (!(error instanceof ConnectionFailedError)) throw error;
        // No answer came back: the replica is gone or restarting; retry elsewhere.
        failed.add(target.replica.address);
        this.deps.outliers.eject(target.replica.address);
        if (primary) [variant, retriedOnPrimary] = [primary, true];
        if (primary) accounting.attemptFailed(502);
        continue;
      }
      const status = statusOf(upstream);
      if (!primary || status < 500) return { outcome: 'answered', target, upstream };
      if (upstream instanceof IncomingMessage) upstream.resume();
      accounting.attemptFailed(status);
      [variant, retriedOnPrimary] = [primary, true];
    }
  }
}

function statusOf(upstream: UpstreamAnswer): number {
  return upstream instanceof IncomingMessage ? (upstream.statusCode ?? 502) : upstream.status;
}

/**
 * Where a request the candidate `variant` fails goes instead, when its deployment's canary retries on the
 * primary: a serving variant that is not a candidate and has a ready replica, by weight. Undefined otherwise.
 */
export function primaryFor(call: Pick<Call, 'deployment' | 'unit'>, variant: RoutedVariant): RoutedVariant | undefined {
  const canary = call.deployment.canary;
  if (!canary?.retryOnPrimary || !canary.candidates.includes(variant.id)) return undefined;
  return pickWeighted(
    call.deployment.variants.filter((v) => v.weight > 0 && v.replicas.length > 0 && !canary.candidates.includes(v.id)),
    call.unit,
  );
}
