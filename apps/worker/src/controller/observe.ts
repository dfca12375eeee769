import { describeStrategy, initialRolloutState, rolloutStateSchema, type RolloutState } from '@slipway/core';
import { loadRevision, recordEvent, type RevisionRow } from '@slipway/controller';
import type { Deployment } from '@slipway/db';
import type { Controller } from './context';

/** What one pass works from: the deployment, the revision it converges to, the one still serving, and the rollout's progress. */
export interface Observed {
  deployment: Deployment;
  target: RevisionRow;
  /** The stable revision while a rollout is in progress; null once converged (or on a first rollout). */
  stable: RevisionRow | null;
  converged: boolean;
  state: RolloutState;
}

export type Observation = { kind: 'idle' } | { kind: 'stopping' } | ({ kind: 'converge' } & Observed);

/** Reads where a deployment stands. Writes nothing. */
export async function observe(c: Controller, deploymentId: string): Promise<Observation> {
  const { db } = c;
  const deployment = await db.deployment.findUnique({ where: { id: deploymentId } });
  if (!deployment || deployment.status === 'stopped' || deployment.status === 'failed') return { kind: 'idle' };
  if (deployment.status === 'stopping') return { kind: 'stopping' };
  const target = await loadRevision(db, deploymentId, deployment.targetRevision);
  if (!target) return { kind: 'idle' };
  const converged = deployment.stableRevision === deployment.targetRevision;
  const stable = converged ? null : await loadRevision(db, deploymentId, deployment.stableRevision);
  return { kind: 'converge', deployment, target, stable, converged, state: storedRolloutState(deployment.rollout, target.number) };
}

/** The stored progress when it belongs to the target revision; a newer target starts over. */
export function storedRolloutState(stored: unknown, targetRevision: number): RolloutState {
  const parsed = rolloutStateSchema.safeParse(stored);
  return parsed.success && parsed.data.revision === targetRevision ? parsed.data : initialRolloutState(targetRevision);
}

/** A rollout the controller has not taken up yet: the deployment says it is deploying, and the history says what. */
export async function acceptRollout(c: Controller, { deployment, target, converged }: Observed): Promise<void> {
  if (converged || deployment.status === 'deploying') return;
  await c.db.deployment.update({ where: { id: deployment.id }, data: { status: 'deploying' } });
  const replicas = target.spec.variants.reduce((n, v) => n + v.replicas, 0);
  await recordEvent(c.db, deployment.id, {
    step: 'accepted',
    message: `Rolling out revision ${target.number} (${describeStrategy(target.spec.strategy)}): ${replicas} replica(s) with the ${c.driver.name} driver`,
    progress: 0.05,
  });
}
