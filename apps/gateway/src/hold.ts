import type { ServerResponse } from 'node:http';
import type { RoutedDeployment } from '@slipway/queue';
import { SecondsHistogram } from './metrics';

/** Why a request for a waking deployment is answered 503 (`hold_full`: it was never let in; `waking`: the gateway stops). */
export type HoldRefusal = 'hold_full' | 'hold_timeout' | 'waking';
/** How a held request leaves the hold. */
export type HoldOutcome = 'released' | 'disconnected' | Exclude<HoldRefusal, 'hold_full'>;

export interface HeldRequest {
  res: ServerResponse;
  /** Whether the request must go on waiting, given its deployment's current routing entry. */
  isWaiting(deployment: RoutedDeployment | undefined): boolean;
  /** Called once, when the request leaves the hold; on release, with the deployment's current entry. */
  settle(outcome: HoldOutcome, deployment: RoutedDeployment | undefined): void;
}

interface Entry {
  request: HeldRequest;
  heldAt: number;
  timer: NodeJS.Timeout;
  onClose: () => void;
}

/**
 * Requests for deployments that are asleep or waking, held in memory per deployment (bounded, each
 * with a deadline) until a routing update gives them a ready replica.
 */
export class RequestHold {
  private readonly queues = new Map<string, Set<Entry>>();
  private readonly outcomes = new Map<string, number>();
  private readonly waits = new SecondsHistogram(
    'slipway_gateway_hold_wait_seconds',
    'How long released requests waited for their deployment to wake.',
    [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  );

  constructor(private readonly limits: { maxPerDeployment: number; timeoutMs: number }) {}

  /** False when the deployment already holds its maximum. */
  add(deployment: string, request: HeldRequest): boolean {
    let queue = this.queues.get(deployment);
    if (!queue) this.queues.set(deployment, (queue = new Set()));
    if (queue.size >= this.limits.maxPerDeployment) {
      this.count(deployment, 'hold_full');
      return false;
    }
    const entry: Entry = {
      request,
      heldAt: performance.now(),
      timer: setTimeout(() => this.settle(deployment, entry, 'hold_timeout'), this.limits.timeoutMs),
      onClose: () => this.settle(deployment, entry, 'disconnected'),
    };
    // Before an answer, 'close' on the response means the caller went away.
    request.res.once('close', entry.onClose);
    queue.add(entry);
    return true;
  }

  /** After a routing update: releases, oldest first, every request that need not wait any more. Returns the deployments still holding some. */
  reconsider(current: (deployment: string) => RoutedDeployment | undefined): string[] {
    const holding: string[] = [];
    for (const [name, queue] of this.queues) {
      if (queue.size === 0) continue;
      const deployment = current(name);
      for (const entry of queue) if (!entry.request.isWaiting(deployment)) this.settle(name, entry, 'released', deployment);
      if (queue.size > 0) holding.push(name);
    }
    return holding;
  }

  /** Answers every held request (on shutdown). */
  settleAll(outcome: 'waking'): void {
    for (const [name, queue] of this.queues) for (const entry of queue) this.settle(name, entry, outcome);
  }

  metricLines(): string[] {
    const lines = ['# HELP slipway_gateway_held_requests Requests held while their deployment wakes.', '# TYPE slipway_gateway_held_requests gauge'];
    for (const [name, queue] of this.queues) lines.push(`slipway_gateway_held_requests{deployment="${name}"} ${queue.size}`);
    lines.push(...this.waits.lines());
    lines.push(
      '# HELP slipway_gateway_hold_outcomes_total Requests that left the hold or were refused by it, by outcome.',
      '# TYPE slipway_gateway_hold_outcomes_total counter',
    );
    for (const [labels, n] of this.outcomes) lines.push(`slipway_gateway_hold_outcomes_total{${labels}} ${n}`);
    return lines;
  }

  private settle(deployment: string, entry: Entry, outcome: HoldOutcome, current?: RoutedDeployment): void {
    if (!this.queues.get(deployment)?.delete(entry)) return;
    clearTimeout(entry.timer);
    entry.request.res.off('close', entry.onClose);
    if (outcome === 'released') this.waits.observe(`deployment="${deployment}"`, (performance.now() - entry.heldAt) / 1000);
    this.count(deployment, outcome);
    entry.request.settle(outcome, current);
  }

  private count(deployment: string, outcome: HoldOutcome | HoldRefusal): void {
    const key = `deployment="${deployment}",outcome="${outcome}"`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }
}
