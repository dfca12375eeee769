// Decisions of the Performance page: which replicas count as running, and the colours that tell series apart.

import type { Deployment } from './types';

/** One colour per variant; none of them is the colour of a total, so "All variants" never reads as one variant. */
export const VARIANT_COLORS = ['#6366f1', '#10b981', '#f59e0b', '#ec4899', '#0ea5e9', '#8b5cf6', '#84cc16', '#f97316'] as const;
/** Totals ("All variants", "All replicas"): neutral ink, drawn dashed. */
export const TOTAL_COLOR = '#52525b';

export const variantColor = (index: number): string => VARIANT_COLORS[index % VARIANT_COLORS.length]!;

/** Replicas that run now (starting, ready or draining); stopped ones are history and failed ones have ended. */
export function liveReplicaIds(deployment: Pick<Deployment, 'variants'>): Set<string> {
  return new Set(deployment.variants.flatMap((v) => v.replicaList.filter((r) => r.state !== 'failed' && r.state !== 'stopped').map((r) => r.id)));
}

/**
 * The replicas of a window split into those running now and those that ended within it. Until the deployment's
 * replicas are known (`live` null), every replica counts as running rather than hiding any.
 */
export function splitByLiveness<T extends { replicaId: string }>(replicas: T[], live: Set<string> | null): { running: T[]; ended: T[] } {
  if (live === null) return { running: replicas, ended: [] };
  return { running: replicas.filter((r) => live.has(r.replicaId)), ended: replicas.filter((r) => !live.has(r.replicaId)) };
}

/** Why a window has no traffic, and what to do about it: a stopped deployment answers nobody; a live one awaits calls. */
export function noTrafficReason(deployment: Pick<Deployment, 'status'> | null): { title: string; callable: boolean } {
  switch (deployment?.status) {
    case 'stopped':
    case 'stopping':
      return { title: 'Stopped: nothing serves, so no traffic arrives. Redeploy it from its page to serve again.', callable: false };
    case 'failed':
      return { title: 'Failed: nothing serves, so no traffic arrives. Its page says why.', callable: false };
    default:
      return { title: 'No traffic yet: send a request with Try it on the deployment page, or with curl', callable: true };
  }
}
