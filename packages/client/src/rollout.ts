import type { Deployment, DeploymentEvent } from './types';

export type RolloutOutcome = { done: false } | { done: true; ok: true } | { done: true; ok: false; reason: string };

/**
 * Where the rollout of `revision` stands: still going, live (ready and the stable revision), or over
 * without going live: failed, stopped, or replaced by a later revision (the controller's automatic
 * rollback is one, with its reason in the revision history).
 */
export function rolloutOutcome(d: Pick<Deployment, 'status' | 'statusReason' | 'revision' | 'stableRevision'>, revision: number): RolloutOutcome {
  if (d.revision > revision)
    return { done: true, ok: false, reason: `revision ${revision} was replaced by revision ${d.revision}${d.statusReason ? `: ${d.statusReason}` : ''}` };
  if (d.status === 'failed') return { done: true, ok: false, reason: d.statusReason ?? 'the deployment failed' };
  if (d.status === 'stopping' || d.status === 'stopped') return { done: true, ok: false, reason: `the deployment is ${d.status}` };
  if (d.status === 'ready' && d.stableRevision === revision) return { done: true, ok: true };
  return { done: false };
}

/** Events not seen yet, oldest first (events are listed oldest first with stable ids). */
export function newEvents(events: readonly DeploymentEvent[], seen: Set<string>): DeploymentEvent[] {
  const fresh = events.filter((e) => !seen.has(e.id));
  for (const e of fresh) seen.add(e.id);
  return fresh;
}
