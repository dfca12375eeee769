import {
  blendTraffic,
  decideRollout,
  describeStrategy,
  evaluateGuardrails,
  initialRolloutState,
  peakReplicas,
  rolloutInProgress,
  rolloutStateSchema,
  splitForJudgement,
  targetFraction,
  templateOf,
  type DeploymentSpec,
  type GuardrailOutcome,
  type RolloutState,
  type VariantSpec,
} from '@slipway/core';
import { loadRevision, publishRoutingTable, recordEvent, rollback, type Transitions } from '@slipway/controller';
import { Prisma, type Db } from '@slipway/db';
import type { Requeue } from '@slipway/queue';
import type { Redis } from 'ioredis';
import type { ArtifactCache } from '../artifact-cache';
import type { ReplicaDriver } from '../drivers/driver';
import { sampleSince } from './rollups';
import { startReplicas, stopReplicas, TerminalStartError } from './replicas';

/** Everything the controller acts through, passed in (tests build their own). */
export interface Controller {
  db: Db;
  redis: Redis;
  prefix: string;
  driver: ReplicaDriver;
  artifacts: ArtifactCache;
  transitions: Transitions;
  clock: () => number;
  readyTimeoutMs: number;
  /** How long replicas taken out of routing keep serving what they were already sent. */
  drainMs: number;
}

type Row = Prisma.VariantGetPayload<{ include: { replicaList: true } }>;
const LIVE = ['starting', 'ready'] as const;
const HEAL_RETRY_MS = 30_000;

/**
 * One pass of the controller for one deployment: converge replicas and routing towards the target
 * revision and take the strategy's next step. Every step is idempotent and re-derived from the
 * database, so a pass can be interrupted anywhere and the next one resumes.
 */
export async function reconcileDeployment(c: Controller, deploymentId: string): Promise<void | Requeue> {
  // An automatic rollback writes a new target: converge towards it in the same job.
  for (let pass = 0; pass < 3; pass++) {
    const result = await reconcileOnce(c, deploymentId);
    if (result !== 'again') return result;
  }
}

async function reconcileOnce(c: Controller, deploymentId: string): Promise<void | Requeue | 'again'> {
  const { db } = c;
  const deployment = await db.deployment.findUnique({ where: { id: deploymentId } });
  if (!deployment || deployment.status === 'stopped' || deployment.status === 'failed') return;
  if (deployment.status === 'stopping') return stopDeployment(c, deploymentId);
  const target = await loadRevision(db, deploymentId, deployment.targetRevision);
  if (!target) return;
  const converged = deployment.stableRevision === deployment.targetRevision;
  const stable = converged ? null : await loadRevision(db, deploymentId, deployment.stableRevision);
  const stored = rolloutStateSchema.safeParse(deployment.rollout);
  let state: RolloutState = stored.success && stored.data.revision === target.number ? stored.data : initialRolloutState(target.number);
  if (!converged && deployment.status !== 'deploying') {
    await db.deployment.update({ where: { id: deploymentId }, data: { status: 'deploying' } });
    const replicas = target.spec.variants.reduce((n, v) => n + v.replicas, 0);
    await recordEvent(db, deploymentId, {
      step: 'accepted',
      message: `Rolling out revision ${target.number} (${describeStrategy(target.spec.strategy)}): ${replicas} replica(s) with the ${c.driver.name} driver`,
      progress: 0.05,
    });
  }

  // 1. Replica sets for every variant of the target and of the stable revision still serving.
  let rows: Map<string, Row>;
  try {
    rows = await ensureVariantRows(c, deployment, target.spec, stable?.spec ?? null);
  } catch (error) {
    if (error instanceof TerminalStartError) return failRollout(c, deploymentId, stable?.number ?? null, target.number, error.message);
    throw error;
  }
  const targetKeys = new Set(target.spec.variants.map(templateOf));
  const stableSpecs = new Map((stable?.spec.variants ?? []).map((v) => [templateOf(v), v]));

  // 2. Replicas: start what the target (and, until the switch, the stable revision) lacks.
  const wanted = new Map<string, number>();
  for (const [key, row] of rows) {
    const spec = target.spec.variants.find((v) => templateOf(v) === key) ?? (state.phase !== 'draining' ? stableSpecs.get(key) : undefined);
    // An autoscaled variant runs what the autoscaler last decided (it owns the bounds, schedules included).
    const count = !spec ? 0 : spec.autoscaling ? Math.min(peakReplicas(spec.autoscaling), row.replicas) : spec.replicas;
    wanted.set(key, count);
    if (spec && row.replicas !== count) {
      await db.variant.update({ where: { id: row.id }, data: { replicas: count } });
      row.replicas = count;
    }
  }
  try {
    await startReplicas(c, deployment, [...rows.values()], wanted);
  } catch (error) {
    if (!(error instanceof TerminalStartError)) throw error;
    if (!converged && targetKeys.has(error.templateKey)) return failRollout(c, deploymentId, stable?.number ?? null, target.number, error.message);
    // A serving revision keeps serving with what it has; healing tries again later.
    await recordEvent(db, deploymentId, {
      step: 'healing',
      level: 'error',
      message: `Cannot replace replicas: ${error.message}; trying again in 30 s`,
      progress: 1,
    });
    return { requeueAfterMs: HEAL_RETRY_MS };
  }

  // 3. Traffic for where the rollout stands, then the strategy's next step.
  const fraction = converged ? 1 : targetFraction(target.spec.strategy, state);
  await applyTraffic(c, rows, blendTraffic(stable?.spec ?? null, target.spec, fraction));
  if (converged) {
    // Leftovers of an interrupted rollout: out of routing (weight 0 above), drained, retired.
    const leftovers = [...rows].filter(([key]) => !targetKeys.has(key)).map(([, row]) => row.id);
    await markDraining(c, deploymentId, leftovers);
    await db.variant.updateMany({ where: { id: { in: leftovers } }, data: { retiredAt: new Date(c.clock()), replicas: 0 } });
    return finishDrains(c, deploymentId);
  }

  const live = await db.replica.groupBy({ by: ['variantId', 'state'], where: { variant: { deploymentId } }, _count: true });
  const readyOf = (row: Row) => live.find((g) => g.variantId === row.id && g.state === 'ready')?._count ?? 0;
  const targetReady = [...rows].every(([key, row]) => !targetKeys.has(key) || readyOf(row) >= (wanted.get(key) ?? 0));
  const judge = async (since: number): Promise<GuardrailOutcome> => {
    const { candidates, baselines } = splitForJudgement(stable?.spec ?? null, target.spec);
    const ids = (keys: string[]) => keys.map((k) => rows.get(k)?.id).filter((id): id is string => !!id);
    const strategy = target.spec.strategy;
    if (strategy.type !== 'canary') return { outcome: 'pass' };
    const verdict = evaluateGuardrails(await sampleSince(db, ids(baselines), since), await sampleSince(db, ids(candidates), since), strategy.guardrails);
    return verdict.outcome === 'pass' ? verdict : { outcome: verdict.outcome, message: verdict.message };
  };

  const input = {
    strategy: target.spec.strategy,
    paused: deployment.rolloutPaused,
    promoted: deployment.rolloutPromoted,
    targetReady,
    // Nothing to drain (a first rollout, or only weights changed): no reason to wait.
    drainMs: [...rows].some(([key, row]) => !targetKeys.has(key) || row.replicaList.some((r) => r.state === 'draining')) ? c.drainMs : 0,
  };
  let decision = decideRollout({ ...input, state, now: c.clock() });
  if (decision.kind === 'judge') decision = decideRollout({ ...input, state, now: c.clock(), verdict: await judge(decision.since) });

  switch (decision.kind) {
    case 'await-replicas':
      // startReplicas returned without all ready: a replica failed retryably; try again shortly.
      return { requeueAfterMs: 1_000 };
    case 'paused':
      await saveState(db, deploymentId, state);
      return;
    case 'wait':
      if (decision.state) state = decision.state;
      await saveState(db, deploymentId, state);
      if (decision.event) await recordEvent(db, deploymentId, { step: 'canary', message: decision.event, progress: progressOf(target.spec, state) });
      return { requeueAfterMs: decision.ms };
    case 'advance': {
      state = decision.state;
      await saveState(db, deploymentId, state);
      await applyTraffic(c, rows, blendTraffic(stable?.spec ?? null, target.spec, targetFraction(target.spec.strategy, state)));
      if (state.phase === 'draining')
        await markDraining(
          c,
          deploymentId,
          [...rows].filter(([key]) => !targetKeys.has(key)).map(([, row]) => row.id),
        );
      await recordEvent(db, deploymentId, {
        step: state.phase === 'draining' ? 'switched' : 'canary',
        message: decision.event,
        progress: progressOf(target.spec, state),
      });
      return 'again';
    }
    case 'rollback':
      return failRollout(c, deploymentId, stable?.number ?? null, target.number, decision.reason);
    case 'finish': {
      await finishDrains(c, deploymentId, true);
      const retired = [...rows].filter(([key]) => !targetKeys.has(key)).map(([, row]) => row.id);
      await db.variant.updateMany({ where: { id: { in: retired } }, data: { retiredAt: new Date(c.clock()), replicas: 0 } });
      const { count } = await db.deployment.updateMany({
        where: { id: deploymentId, targetRevision: target.number, status: 'deploying' },
        data: { stableRevision: target.number, status: 'ready', rollout: Prisma.DbNull },
      });
      if (count === 0) return 'again';
      await publishRoutingTable(db, c.redis, c.prefix);
      const split = target.spec.variants
        .map((v) => `${v.name} v${v.versionLabel} ${v.role === 'shadow' ? `mirror ${v.mirrorPercent}%` : `${v.weight}%`}`)
        .join(', ');
      await recordEvent(db, deploymentId, { step: 'routed', message: `Revision ${target.number} is live: ${split}`, progress: 1 });
      return;
    }
  }
}

/**
 * The controller's last attempt at a deployment failed on errors that were worth retrying (the database or
 * Redis blinked, a start timed out): a rollout in progress ends as if it were terminal, with the reason.
 */
export async function abandonReconcile(c: Controller, deploymentId: string, reason: string): Promise<void> {
  const deployment = await c.db.deployment.findUnique({ where: { id: deploymentId } });
  if (!deployment) return;
  if (rolloutInProgress(deployment)) {
    await failRollout(c, deploymentId, deployment.stableRevision, deployment.targetRevision, `gave up after repeated errors: ${reason}`);
    return;
  }
  await recordEvent(c.db, deploymentId, {
    step: 'reconcile',
    level: 'error',
    message: `Reconciling failed repeatedly: ${reason}; the next resync tries again`,
    progress: 1,
  });
}

/** Upserts one replica-set row per variant of the target and stable specs (un-retiring a returning one). */
async function ensureVariantRows(
  c: Controller,
  deployment: { id: string; modelId: string },
  target: DeploymentSpec,
  stable: DeploymentSpec | null,
): Promise<Map<string, Row>> {
  const deploymentId = deployment.id;
  const specs = new Map<string, { spec: VariantSpec; inTarget: boolean }>();
  for (const v of stable?.variants ?? []) specs.set(templateOf(v), { spec: v, inTarget: false });
  for (const v of target.variants) specs.set(templateOf(v), { spec: v, inTarget: true });
  for (const [templateKey, { spec }] of specs) {
    const version = await c.db.modelVersion.findUnique({ where: { modelId_digest: { modelId: deployment.modelId, digest: spec.versionDigest } } });
    if (!version || version.status !== 'ready') {
      throw new TerminalStartError(
        templateKey,
        `version v${spec.versionLabel} (sha256:${spec.versionDigest.slice(0, 12)}) is ${version ? version.status : 'deleted'}, not ready`,
      );
    }
    const machineType = await c.db.machineType.findUnique({ where: { name: spec.machineType } });
    if (!machineType) throw new TerminalStartError(templateKey, `machine type '${spec.machineType}' no longer exists`);
    await c.db.variant.upsert({
      where: { deploymentId_templateKey: { deploymentId, templateKey } },
      create: {
        deploymentId,
        templateKey,
        name: spec.name,
        role: spec.role,
        versionId: version.id,
        machineTypeId: machineType.id,
        replicas: spec.replicas,
        trafficWeight: 0,
      },
      update: { retiredAt: null, role: spec.role },
    });
  }
  const rows = await c.db.variant.findMany({
    where: { deploymentId, retiredAt: null },
    include: { replicaList: { where: { state: { in: [...LIVE, 'draining'] } } } },
    orderBy: { createdAt: 'asc' },
  });
  return new Map(rows.map((row) => [row.templateKey, row]));
}

/** Writes the weights and mirrors in effect and publishes the routing table (also for replicas that became ready). */
async function applyTraffic(c: Controller, rows: Map<string, Row>, shares: Map<string, { weight: number; mirrorPercent: number }>) {
  for (const [key, row] of rows) {
    const share = shares.get(key) ?? { weight: 0, mirrorPercent: 0 };
    if (row.trafficWeight === share.weight && row.mirrorPercent === share.mirrorPercent) continue;
    await c.db.variant.update({ where: { id: row.id }, data: { trafficWeight: share.weight, mirrorPercent: share.mirrorPercent } });
    row.trafficWeight = share.weight;
    row.mirrorPercent = share.mirrorPercent;
  }
  await publishRoutingTable(c.db, c.redis, c.prefix);
}

/** Takes replicas out of routing; they are stopped once they have drained (see finishDrains). */
async function markDraining(c: Controller, deploymentId: string, variantIds: string[]): Promise<void> {
  if (variantIds.length === 0) return;
  const { count } = await c.db.replica.updateMany({ where: { variantId: { in: variantIds }, state: { in: [...LIVE] } }, data: { state: 'draining' } });
  await publishRoutingTable(c.db, c.redis, c.prefix);
  if (count > 0)
    await recordEvent(c.db, deploymentId, {
      step: 'draining',
      message: `Draining ${count} old replica(s): in-flight requests finish before they stop`,
      progress: 0.95,
    });
}

/** Stops draining replicas whose drain time has passed; requeues for the rest. */
async function finishDrains(c: Controller, deploymentId: string, all = false): Promise<void | Requeue> {
  const draining = await c.db.replica.findMany({ where: { variant: { deploymentId }, state: 'draining' } });
  const now = c.clock();
  const due = draining.filter((r) => all || r.updatedAt.getTime() + c.drainMs <= now);
  if (due.length > 0) {
    await stopReplicas(c, due, 'stopped');
    await recordEvent(c.db, deploymentId, { step: 'stopped', message: `Stopped ${due.length} drained replica(s)`, progress: 1 });
  }
  const waiting = draining.filter((r) => !due.includes(r));
  if (waiting.length > 0) return { requeueAfterMs: Math.max(50, Math.min(...waiting.map((r) => r.updatedAt.getTime() + c.drainMs - now))) };
}

async function saveState(db: Db, deploymentId: string, state: RolloutState): Promise<void> {
  await db.deployment.update({ where: { id: deploymentId }, data: { rollout: state as unknown as Prisma.InputJsonValue } });
}

/**
 * A rollout that cannot succeed: with a stable revision to go back to, roll back to it
 * automatically (a new revision, so the history says so); a first deployment fails.
 */
async function failRollout(c: Controller, deploymentId: string, stable: number | null, target: number, reason: string): Promise<'again' | void> {
  const deployment = await c.db.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
  if (stable !== null) {
    await recordEvent(c.db, deploymentId, {
      step: 'rollback',
      level: 'error',
      message: `Revision ${target} rolled back automatically: ${reason}`,
      progress: 0,
    });
    await rollback(c.transitions, deployment, stable, { author: 'controller', supersede: true, reason: `automatic rollback of revision ${target}: ${reason}` });
    await c.db.deployment.update({ where: { id: deploymentId }, data: { statusReason: `Revision ${target} was rolled back: ${reason}` } });
    return 'again';
  }
  const live = await c.db.replica.findMany({ where: { variant: { deploymentId }, state: { in: [...LIVE, 'draining'] } } });
  await stopReplicas(c, live, 'failed');
  await c.db.deployment.update({ where: { id: deploymentId }, data: { status: 'failed', statusReason: reason, rollout: Prisma.DbNull } });
  await publishRoutingTable(c.db, c.redis, c.prefix);
  await recordEvent(c.db, deploymentId, { step: 'failed', level: 'error', message: `Rollout failed: ${reason}`, progress: 1 });
}

/** Out of routing first, then drain, then stop every replica. */
async function stopDeployment(c: Controller, deploymentId: string): Promise<void | Requeue> {
  await publishRoutingTable(c.db, c.redis, c.prefix);
  const live = await c.db.replica.findMany({ where: { variant: { deploymentId }, state: { in: [...LIVE] } } });
  if (live.length > 0) {
    await c.db.replica.updateMany({ where: { id: { in: live.map((r) => r.id) } }, data: { state: 'draining' } });
    return { requeueAfterMs: c.drainMs };
  }
  const draining = await c.db.replica.findMany({ where: { variant: { deploymentId }, state: 'draining' } });
  const now = c.clock();
  const early = draining.filter((r) => r.updatedAt.getTime() + c.drainMs > now);
  if (early.length > 0) return { requeueAfterMs: Math.max(50, Math.min(...early.map((r) => r.updatedAt.getTime() + c.drainMs - now))) };
  await stopReplicas(c, draining, 'stopped');
  await c.db.variant.updateMany({ where: { deploymentId }, data: { trafficWeight: 0, mirrorPercent: 0 } });
  const { count } = await c.db.deployment.updateMany({
    where: { id: deploymentId, status: 'stopping' },
    data: { status: 'stopped', stableRevision: null, rollout: Prisma.DbNull },
  });
  if (count > 0) await recordEvent(c.db, deploymentId, { step: 'stopped', message: `Stopped ${draining.length} replica(s)`, progress: 1 });
}

/** 0..1 for the progress bar: replicas up to 40 %, canary steps to 95 %, drained 100 %. */
function progressOf(spec: DeploymentSpec, state: RolloutState): number {
  if (state.phase === 'starting') return 0.2;
  if (state.phase === 'draining') return 0.95;
  const steps = spec.strategy.type === 'canary' ? spec.strategy.steps.length : 1;
  return 0.4 + (0.55 * (state.step + 1)) / steps;
}
