/**
 * The one rule for "a rollout is in progress": the deployment is on its way to a target revision that is
 * not yet its stable one. Updates are refused (409) while it holds unless they supersede it; promote,
 * pause, resume and abort need it; the console shows the rollout card and polls fast while it holds.
 */

/** Deployment statuses of a rollout under way: waiting for the controller, or being carried out. */
export const ROLLING_OUT_STATUSES = ['pending', 'deploying'] as const;

/** What the rule reads of a deployment (a row, or the API's view of one with `revision` as `targetRevision`). */
export interface RevisionState {
  status: string;
  targetRevision: number;
  stableRevision: number | null;
}

export function rolloutInProgress(d: RevisionState): boolean {
  return (ROLLING_OUT_STATUSES as readonly string[]).includes(d.status) && d.targetRevision !== d.stableRevision;
}
