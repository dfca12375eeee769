import { recordEvent } from '@slipway/controller';
import type { Requeue } from '@slipway/queue';
import { type Controller, LIVE } from './context';
import { stopReplicas } from './replicas';
import type { RoutingUpdate } from './routing';

/** Takes a replica set's replicas out of routing; they stop once they have drained (see finishDrains). */
export async function markDraining(c: Controller, deploymentId: string, variantIds: string[], routing: RoutingUpdate): Promise<void> {
  if (variantIds.length === 0) return;
  const { count } = await c.db.replica.updateMany({ where: { variantId: { in: variantIds }, state: { in: [...LIVE] } }, data: { state: 'draining' } });
  if (count === 0) return;
  routing.markDirty();
  await recordEvent(c.db, deploymentId, {
    step: 'draining',
    message: `Draining ${count} old replica(s): in-flight requests finish before they stop`,
    progress: 0.95,
  });
}

/**
 * Which draining replicas may stop now (their drain time has passed, or `all`), and how long until the next may.
 * The drain time counts from when a replica was taken out of routing (its row's last update).
 */
export function drainsDue<R extends { updatedAt: Date }>(draining: R[], now: number, drainMs: number, all = false): { due: R[]; nextInMs: number | null } {
  const due = draining.filter((r) => all || r.updatedAt.getTime() + drainMs <= now);
  const waiting = draining.filter((r) => !due.includes(r));
  if (waiting.length === 0) return { due, nextInMs: null };
  return { due, nextInMs: Math.max(50, Math.min(...waiting.map((r) => r.updatedAt.getTime() + drainMs - now))) };
}

/** Stops draining replicas whose drain time has passed (every one with `all`); requeues for the rest. */
export async function finishDrains(c: Controller, deploymentId: string, routing: RoutingUpdate, all = false): Promise<void | Requeue> {
  const draining = await c.db.replica.findMany({ where: { variant: { deploymentId }, state: 'draining' } });
  const { due, nextInMs } = drainsDue(draining, c.clock(), c.drainMs, all);
  if (due.length > 0) {
    await routing.beforeStopping();
    await stopReplicas(c, due, 'stopped');
    await recordEvent(c.db, deploymentId, { step: 'stopped', message: `Stopped ${due.length} drained replica(s)`, progress: 1 });
  }
  if (nextInMs !== null) return { requeueAfterMs: nextInMs };
}

/** Replica sets no longer in the spec: kept as history, running nothing. */
export async function retire(c: Controller, variantIds: string[]): Promise<void> {
  if (variantIds.length === 0) return;
  await c.db.variant.updateMany({ where: { id: { in: variantIds } }, data: { retiredAt: new Date(c.clock()), replicas: 0 } });
}
