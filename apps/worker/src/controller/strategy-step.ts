import {
  blendTraffic,
  combineGuardrailOutcomes,
  decideRollout,
  evaluateAccuracyGuardrail,
  judgeLiveWindow,
  type LiveWindow,
  splitForJudgement,
  targetFraction,
  templateOf,
  type DeploymentSpec,
  type GuardrailOutcome,
  type RolloutDecision,
  type RolloutState,
} from '@slipway/core';
import { recordEvent } from '@slipway/controller';
import { accuracySince, Prisma, type Db } from '@slipway/db';
import { readLiveCounts, type Requeue } from '@slipway/queue';
import type { Controller, VariantRow } from './context';
import { finishDrains, markDraining, retire } from './drain';
import { failRollout } from './fail-rollout';
import type { Observed } from './observe';
import type { Placed } from './place';
import type { RoutingUpdate } from './routing';
import { applyTraffic } from './traffic';

/**
 * What the strategy needs to know about the replicas: whether every target set runs its wanted count ready, and
 * whether anything must drain after the switch (a first rollout, or one that changed only weights, has nothing to
 * drain and so no reason to wait).
 */
export function rolloutReadiness(
  rows: Map<string, Pick<VariantRow, 'id' | 'replicaList'>>,
  targetKeys: Set<string>,
  wanted: Map<string, number>,
  readyCount: (variantId: string) => number,
  drainMs: number,
): { targetReady: boolean; drainMs: number } {
  const entries = [...rows];
  const targetReady = entries.every(([key, row]) => !targetKeys.has(key) || readyCount(row.id) >= (wanted.get(key) ?? 0));
  const mustDrain = entries.some(([key, row]) => !targetKeys.has(key) || row.replicaList.some((r) => r.state === 'draining'));
  return { targetReady, drainMs: mustDrain ? drainMs : 0 };
}

/** The strategy's next step for a rollout in progress, carried out: wait, move traffic, drain, roll back or finish. */
export async function strategyStep(c: Controller, seen: Observed, { rows, wanted }: Placed, routing: RoutingUpdate): Promise<void | Requeue | 'again'> {
  const { db } = c;
  const { deployment, target, stable } = seen;
  const targetKeys = new Set(target.spec.variants.map(templateOf));
  const oldSets = [...rows].filter(([key]) => !targetKeys.has(key)).map(([, row]) => row.id);
  const ready = await db.replica.groupBy({ by: ['variantId'], where: { variant: { deploymentId: deployment.id }, state: 'ready' }, _count: true });
  const readyCount = (variantId: string) => ready.find((g) => g.variantId === variantId)?._count ?? 0;
  const input = {
    strategy: target.spec.strategy,
    paused: deployment.rolloutPaused,
    promoted: deployment.rolloutPromoted,
    ...rolloutReadiness(rows, targetKeys, wanted, readyCount, c.drainMs),
  };
  let state = seen.state;
  let decision: RolloutDecision = decideRollout({ ...input, state, now: c.clock() });
  if (decision.kind === 'judge') {
    // A step stored without its live window (taken over from an older controller) starts counting now.
    if (!state.live) state = { ...state, live: await openLiveWindow(c, seen, rows) };
    decision = decideRollout({ ...input, state, now: c.clock(), verdict: await judge(c, seen, state.live!, decision.since) });
  }

  switch (decision.kind) {
    case 'await-replicas':
      // startReplicas returned without all ready: a replica failed retryably; try again shortly.
      return { requeueAfterMs: 1_000 };
    case 'paused':
      await saveState(db, deployment.id, state);
      return;
    case 'wait':
      if (decision.state) state = decision.state;
      await saveState(db, deployment.id, state);
      if (decision.event) await recordEvent(db, deployment.id, { step: 'canary', message: decision.event, progress: progressOf(target.spec, state) });
      return { requeueAfterMs: decision.ms };
    case 'advance': {
      // Each canary step counts from its start; the table published below tells gateways which sets it judges.
      state = { ...decision.state, live: decision.state.phase === 'shifting' ? await openLiveWindow(c, seen, rows) : null };
      await saveState(db, deployment.id, state);
      // Traffic moves and the old sets leave routing in the pass's one publish; they stop only after draining, in a later pass.
      await applyTraffic(c, rows, blendTraffic(stable?.spec ?? null, target.spec, targetFraction(target.spec.strategy, state)), routing);
      if (state.phase === 'draining') await markDraining(c, deployment.id, oldSets, routing);
      await recordEvent(db, deployment.id, {
        step: state.phase === 'draining' ? 'switched' : 'canary',
        message: decision.event,
        progress: progressOf(target.spec, state),
      });
      return 'again';
    }
    case 'rollback':
      return failRollout(c, deployment.id, stable?.number ?? null, target.number, decision.reason, routing);
    case 'finish':
      return finishRollout(c, seen, oldSets, routing);
  }
}

/** The old sets drained: stop and retire them, and mark the target revision stable and live. */
async function finishRollout(c: Controller, { deployment, target }: Observed, oldSets: string[], routing: RoutingUpdate): Promise<void | 'again'> {
  await finishDrains(c, deployment.id, routing, true);
  await retire(c, oldSets);
  const { count } = await c.db.deployment.updateMany({
    where: { id: deployment.id, targetRevision: target.number, status: 'deploying' },
    data: { stableRevision: target.number, status: 'ready', rollout: Prisma.DbNull },
  });
  // A newer target was written meanwhile: converge towards it.
  if (count === 0) return 'again';
  // Gateways already route by the target alone (since the switch): a deployment's status is not in the table.
  const split = target.spec.variants
    .map((v) => `${v.name} v${v.versionLabel} ${v.role === 'shadow' ? `mirror ${v.mirrorPercent}%` : `${v.weight}%`}`)
    .join(', ');
  await recordEvent(c.db, deployment.id, { step: 'routed', message: `Revision ${target.number} is live: ${split}`, progress: 1 });
}

/** The replica sets a canary step judges (candidates against the sets they replace) and their live counters now. */
async function openLiveWindow(c: Controller, { stable, target }: Observed, rows: Map<string, VariantRow>): Promise<LiveWindow> {
  const strategy = target.spec.strategy;
  const { candidates, baselines } = splitForJudgement(stable?.spec ?? null, target.spec);
  const ids = (keys: string[]) => keys.map((k) => rows.get(k)?.id).filter((id): id is string => !!id);
  const window = { candidates: ids(candidates), baselines: ids(baselines) };
  const counts = await readLiveCounts(c.redis, c.prefix, [...window.candidates, ...window.baselines]);
  return { ...window, retryOnPrimary: strategy.type === 'canary' && strategy.retryOnPrimary, from: Object.fromEntries(counts) };
}

/** A canary step's verdict from the gateways' live counters since the step began. */
/**
 * A canary step's verdict: errors and latency from the gateways' live counters since the step began, and, when the
 * strategy asks, the candidate's accuracy from ground-truth feedback since `since` (the step's start).
 */
async function judge(c: Controller, { target }: Observed, window: LiveWindow, since: number): Promise<GuardrailOutcome> {
  const strategy = target.spec.strategy;
  if (strategy.type !== 'canary') return { outcome: 'pass' };
  const counts = await readLiveCounts(c.redis, c.prefix, [...window.candidates, ...window.baselines]);
  const verdict = judgeLiveWindow(window, counts, strategy.guardrails);
  const outcomes: GuardrailOutcome[] = [verdict.outcome === 'pass' ? verdict : { outcome: verdict.outcome, message: verdict.message }];
  const accuracy = strategy.guardrails.accuracy;
  if (accuracy) {
    const at = new Date(since);
    outcomes.push(evaluateAccuracyGuardrail(await accuracySince(c.db, window.baselines, at), await accuracySince(c.db, window.candidates, at), accuracy));
  }
  return combineGuardrailOutcomes(outcomes);
}

async function saveState(db: Db, deploymentId: string, state: RolloutState): Promise<void> {
  await db.deployment.update({ where: { id: deploymentId }, data: { rollout: state as unknown as Prisma.InputJsonValue } });
}

/** 0..1 for the progress bar: replicas up to 40 %, canary steps to 95 %, drained 100 %. */
export function progressOf(spec: DeploymentSpec, state: RolloutState): number {
  if (state.phase === 'starting') return 0.2;
  if (state.phase === 'draining') return 0.95;
  const steps = spec.strategy.type === 'canary' ? spec.strategy.steps.length : 1;
  return 0.4 + (0.55 * (state.step + 1)) / steps;
}
