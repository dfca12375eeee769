// Which events of a deployment's timeline tell how its rollout goes: the autoscaler's decisions, its draining of
// surplus replicas and the replacement of failed ones happen at any time, and say nothing about the rollout.

import type { DeploymentEvent } from './types';

/** Steps recorded by the autoscaler and the health checks, outside any rollout. */
const HOUSEKEEPING = new Set(['autoscale', 'scaled', 'healing']);
/** Events that start a rollout over: a new revision (an update, a rollback, a redeploy). */
const STARTS = new Set(['revision', 'accepted']);

type Event = Pick<DeploymentEvent, 'step' | 'progress' | 'message'>;

export const isRolloutEvent = (event: Pick<DeploymentEvent, 'step'>) => !HOUSEKEEPING.has(event.step);

/** The rollout events since the last start (a new revision starts over). */
function currentRollout<T extends Event>(events: T[]): T[] {
  const steps = events.filter(isRolloutEvent);
  const start = steps.findLastIndex((e) => STARTS.has(e.step));
  return steps.slice(Math.max(start, 0));
}

/** 0..1, the highest value since the last start, so a later event at 0 does not move the bar back. */
export function rolloutProgress(events: Event[]): number {
  return Math.max(0, ...currentRollout(events).map((e) => e.progress));
}

/** What the rollout did last; null before the worker picked it up. */
export function rolloutCaption(events: Event[]): string | null {
  return currentRollout(events).at(-1)?.message ?? null;
}
