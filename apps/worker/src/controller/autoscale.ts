import { loadRevision, recordEvent } from '@slipway/controller';
import { boundsAt, decideScale, INITIAL_SCALE_STATE, templateOf, type Autoscaling, type DeploymentSpec, type ScaleState } from '@slipway/core';
import type { JobProducer } from '@slipway/queue';
import type { Redis } from 'ioredis';
import type { Controller } from './context';

/** One scale sample per variant this often, for the replicas-over-time chart. */
const SAMPLE_EVERY_MS = 5_000;

interface StoredScale {
  state: ScaleState;
  /** [time, requests in flight] over the look-back window. */
  samples: [number, number][];
  lastSampleAt: number;
  quotaNoted: boolean;
}

/** Requests in flight and queued per variant, summed over every live gateway's hash. */
export async function inFlightByVariant(redis: Redis, prefix: string): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:inflight:*`, 'COUNT', 100);
    cursor = next;
    for (const key of keys) {
      for (const [variantId, count] of Object.entries(await redis.hgetall(key))) {
        totals.set(variantId, (totals.get(variantId) ?? 0) + Math.max(0, Number(count) || 0));
      }
    }
  } while (cursor !== '0');
  return totals;
}

/**
 * Once a tick, for every autoscaled variant of a deployment that is not mid-rollout: average its load
 * over the look-back window, ask `decideScale`, and write the desired replica count (with an event
 * saying why) for the controller to carry out. State lives in Redis, so any worker process can tick.
 */
export class Autoscaler {
  /** Revisions are immutable: one read per deployment revision, not one per tick. */
  private readonly specs = new Map<string, DeploymentSpec | undefined>();

  constructor(
    private readonly c: Controller,
    private readonly producer: Pick<JobProducer, 'enqueue'>,
    /** The most replicas a variant may have under its team's compute quota (Infinity: no limit). */
    private readonly quotaMax: (variantId: string) => Promise<number> = async () => Infinity,
  ) {}

  private key(variantId: string): string {
    return `${this.c.prefix}:autoscale:${variantId}`;
  }

  async tick(): Promise<void> {
    const { db, redis } = this.c;
    const now = this.c.clock();
    const load = await inFlightByVariant(redis, this.c.prefix);
    const deployments = await db.deployment.findMany({
      where: { status: 'ready', targetRevision: { gt: 0 } },
      include: { variants: { where: { retiredAt: null }, include: { replicaList: { where: { state: { in: ['starting', 'ready'] } } } } } },
    });
    for (const deployment of deployments) {
      if (deployment.stableRevision !== deployment.targetRevision) continue;
      const key = `${deployment.id}:${deployment.targetRevision}`;
      if (!this.specs.has(key)) {
        if (this.specs.size > 1_000) this.specs.clear();
        this.specs.set(key, (await loadRevision(db, deployment.id, deployment.targetRevision))?.spec);
      }
      const spec = this.specs.get(key);
      for (const row of deployment.variants) {
        const config = spec?.variants.find((v) => templateOf(v) === row.templateKey)?.autoscaling;
        if (!config) continue;
        await this.scaleVariant(deployment.id, row, config, load.get(row.id) ?? 0, now);
      }
    }
  }

  private async scaleVariant(
    deploymentId: string,
    row: { id: string; name: string; replicas: number; replicaList: { state: string }[] },
    config: Autoscaling,
    inFlight: number,
    now: number,
  ): Promise<void> {
    const { db, redis } = this.c;
    const stored: StoredScale = JSON.parse((await redis.get(this.key(row.id))) ?? 'null') ?? {
      state: INITIAL_SCALE_STATE,
      samples: [],
      lastSampleAt: 0,
      quotaNoted: false,
    };
    stored.samples = [...stored.samples.filter(([t]) => t > now - config.lookBackSeconds * 1000), [now, inFlight]];
    const average = stored.samples.reduce((sum, [, n]) => sum + n, 0) / stored.samples.length;
    const bounds = boundsAt(config, now);
    let state = stored.state;
    if (average === 0 && bounds.min === 0 && row.replicas > 0) {
      // In-flight counts are instants: a fast model under load can read 0. The rollups say whether anyone called.
      const last = await db.latencyRollup.findFirst({
        where: { variantId: row.id, count: { gt: 0 } },
        orderBy: { windowEnd: 'desc' },
        select: { windowEnd: true },
      });
      if (last) state = { ...state, idleSince: Math.max(state.idleSince ?? now, last.windowEnd.getTime()) };
    }
    const decision = decideScale({
      config,
      bounds,
      current: row.replicas,
      starting: row.replicaList.filter((r) => r.state === 'starting').length,
      load: average,
      now,
      state,
      quotaMax: await this.quotaMax(row.id),
    });
    if (decision.desired !== row.replicas) {
      // Only if nobody changed the count meanwhile (a wake, another tick).
      const { count } = await db.variant.updateMany({ where: { id: row.id, replicas: row.replicas }, data: { replicas: decision.desired } });
      if (count > 0) {
        await recordEvent(db, deploymentId, { step: 'autoscale', message: `${row.name}: ${decision.reason}`, progress: 1 });
        await this.producer.enqueue('reconcileDeployment', { deploymentId }, { promoteDelayed: true });
      }
    }
    if (decision.blockedByQuota && !stored.quotaNoted) {
      await recordEvent(db, deploymentId, { step: 'autoscale', level: 'warn', message: `${row.name}: ${decision.reason}`, progress: 1 });
    }
    if (now - stored.lastSampleAt >= SAMPLE_EVERY_MS) {
      const ready = row.replicaList.filter((r) => r.state === 'ready').length;
      await db.scaleSample.create({ data: { variantId: row.id, at: new Date(now), inFlight: average, ready, desired: decision.desired } });
      stored.lastSampleAt = now;
    }
    const next: StoredScale = { ...stored, state: decision.state, quotaNoted: !!decision.blockedByQuota };
    await redis.set(this.key(row.id), JSON.stringify(next), 'PX', Math.max(60_000, config.scaleToZeroDelaySeconds * 2000));
  }

  /** A gateway holds requests for sleeping variants: give them a replica now, not at the next tick. */
  async wake(deploymentId: string, variantIds: string[]): Promise<void> {
    const { db } = this.c;
    const asleep = await db.variant.findMany({ where: { id: { in: variantIds }, deploymentId, replicas: 0, retiredAt: null } });
    let woken = 0;
    for (const row of asleep) {
      const { count } = await db.variant.updateMany({ where: { id: row.id, replicas: 0 }, data: { replicas: 1 } });
      if (count === 0) continue;
      woken++;
      // The idle clock starts over: held requests are about to arrive.
      await this.c.redis.del(this.key(row.id));
      await recordEvent(db, deploymentId, { step: 'autoscale', message: `${row.name}: woken by a request, scaling 0 → 1`, progress: 1 });
    }
    if (woken > 0) await this.producer.enqueue('reconcileDeployment', { deploymentId }, { promoteDelayed: true });
  }
}
