import { blendTraffic, rolloutInProgress, targetFraction, templateOf } from '@slipway/core';
import { recordEvent } from '@slipway/controller';
import type { Requeue } from '@slipway/queue';
import type { Controller } from './context';
import { finishDrains, markDraining, retire } from './drain';
import { failRollout } from './fail-rollout';
import { acceptRollout, type Observed, observe } from './observe';
import { type Placed, placeReplicas } from './place';
import { RoutingUpdate } from './routing';
import { stopDeployment } from './stop';
import { strategyStep } from './strategy-step';
import { applyTraffic } from './traffic';

type PassResult = void | Requeue | 'again';

/**
 * One job of the controller for one deployment: converge replicas and routing towards the target revision and
 * take the strategy's next step. Every step is idempotent and re-derived from the database, so a pass can be
 * interrupted anywhere and the next one resumes.
 */
export async function reconcileDeployment(c: Controller, deploymentId: string): Promise<void | Requeue> {
  // An automatic rollback writes a new target, and a strategy step may be followed by the next: converge in the same job.
  for (let pass = 0; pass < 3; pass++) {
    const result = await reconcileOnce(c, deploymentId);
    if (result !== 'again') return result;
  }
  // Still more to do (a rollback written by the last pass): the next job takes it up at once, never the next resync.
  return { requeueAfterMs: 0 };
}

/**
 * One pass, in phases: observe; stop (a stopping deployment) or heal and place (replica sets at their counts),
 * traffic for where the rollout stands, then the strategy's step or, once converged, retiring leftovers. The
 * routing table is published once, at the end of the pass, with everything the phases changed.
 */
async function reconcileOnce(c: Controller, deploymentId: string): Promise<PassResult> {
  const routing = RoutingUpdate.of(c);
  return routing.around(async () => {
    const seen = await observe(c, deploymentId);
    if (seen.kind === 'idle') return;
    if (seen.kind === 'stopping') return stopDeployment(c, deploymentId, routing);
    return converge(c, seen, routing);
  });
}

async function converge(c: Controller, seen: Observed, routing: RoutingUpdate): Promise<PassResult> {
  const { deployment, target, stable, converged, state } = seen;
  await acceptRollout(c, seen);
  const placement = await placeReplicas(c, seen, routing);
  if (placement.kind === 'fail-rollout') return failRollout(c, deployment.id, stable?.number ?? null, target.number, placement.reason, routing);
  if (placement.kind === 'retry') return { requeueAfterMs: placement.afterMs };
  const fraction = converged ? 1 : targetFraction(target.spec.strategy, state);
  await applyTraffic(c, placement.rows, blendTraffic(stable?.spec ?? null, target.spec, fraction), routing);
  if (converged) return retireLeftovers(c, seen, placement, routing);
  return strategyStep(c, seen, placement, routing);
}

/** Replica sets an interrupted rollout left behind a converged deployment: out of routing (weight 0 above), drained, retired. */
async function retireLeftovers(c: Controller, { deployment, target }: Observed, { rows }: Placed, routing: RoutingUpdate): Promise<void | Requeue> {
  const targetKeys = new Set(target.spec.variants.map(templateOf));
  const leftovers = [...rows].filter(([key]) => !targetKeys.has(key)).map(([, row]) => row.id);
  await markDraining(c, deployment.id, leftovers, routing);
  await retire(c, leftovers);
  return finishDrains(c, deployment.id, routing);
}

/**
 * The controller's last attempt at a deployment failed on errors that were worth retrying (the database or
 * Redis blinked, a start timed out): a rollout in progress ends as if it were terminal, with the reason.
 */
export async function abandonReconcile(c: Controller, deploymentId: string, reason: string): Promise<void> {
  const deployment = await c.db.deployment.findUnique({ where: { id: deploymentId } });
  if (!deployment) return;
  if (rolloutInProgress(deployment)) {
    const routing = RoutingUpdate.of(c);
    await routing.around(() =>
      failRollout(c, deploymentId, deployment.stableRevision, deployment.targetRevision, `gave up after repeated errors: ${reason}`, routing),
    );
    return;
  }
  await recordEvent(c.db, deploymentId, {
    step: 'reconcile',
    level: 'error',
    message: `Reconciling failed repeatedly: ${reason}; the next resync tries again`,
    progress: 1,
  });
}
