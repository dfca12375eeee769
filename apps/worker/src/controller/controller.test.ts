import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { deploy, loadRevision, promote, stop, update, type Transitions } from '@slipway/controller';
import {
  DEFAULT_MACHINE_CATALOG,
  LATENCY_BUCKET_COUNT,
  LIVE_RECHECK_MS,
  bucketIndex,
  deploymentSpecSchema,
  REPLICA_TOKEN_HEADER,
  type DeploymentSpec,
} from '@slipway/core';
import { createDb, type Db, recordFeedback } from '@slipway/db';
import { buildMlp } from '@slipway/onnx-builder';
import { addLiveCounts, channels, createRedis, JobProducer, routingTableSchema, type JobName, type JobPayload, type RoutingTable } from '@slipway/queue';
import { FsBlobStore } from '@slipway/storage';
import { requireTestEnv } from '@slipway/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactCache } from '../artifact-cache';
import { LocalDriver } from '../drivers/local-driver';
import { startWorkers } from '../worker';
import { Autoscaler } from './autoscale';
import { ReplicaHealth } from './health';
import type { Controller } from './context';
import { reconcileDeployment } from './reconcile';

/**
 * The controller against real Postgres, Redis, the local driver and runtime processes. Jobs are not
 * run through BullMQ here: each test pumps reconcile passes itself, and a virtual clock makes bake and
 * drain times pass without waiting (replicas' own timestamps are real, so the clock only runs ahead).
 */
describe('deployment controller', () => {
  const env = requireTestEnv();
  const suffix = randomUUID().slice(0, 8);
  const prefix = `slipway-test-controller-${suffix}`;
  let db: Db;
  let redis: Redis;
  let store: FsBlobStore;
  let artifacts: ArtifactCache;
  const drivers: LocalDriver[] = [];
  let now = Date.now();
  const woken: string[] = [];
  const producer = {
    enqueue: async <N extends JobName>(_name: N, payload: JobPayload<N>) => void woken.push((payload as { deploymentId: string }).deploymentId),
  };
  let transitions: Transitions;
  let modelId: string;
  let teamId: string;
  const versions: { digest: string; label: number }[] = [];

  function controller(driver = drivers[0]!): Controller {
    return { db, redis, prefix, driver, artifacts, transitions, clock: () => now, readyTimeoutMs: 20_000, drainMs: 1_000 };
  }

  function newDriver(): LocalDriver {
    const driver = new LocalDriver({ hostGpus: 0, bindHost: '127.0.0.1', advertiseHost: '127.0.0.1', owner: prefix });
    drivers.push(driver);
    return driver;
  }

  /** Runs reconcile passes until the controller has nothing left to do, jumping the clock over its waits. */
  async function converge(deploymentId: string, c = controller(), maxPasses = 40): Promise<void> {
    for (let pass = 0; pass < maxPasses; pass++) {
      const result = await reconcileDeployment(c, deploymentId);
      if (!result) return;
      now += result.requeueAfterMs;
    }
    throw new Error(`deployment did not converge in ${maxPasses} passes`);
  }

  async function addVersion(bytes: Uint8Array, status: 'ready' = 'ready') {
    const staged = await store.stage(Readable.from([Buffer.from(bytes)]));
    await staged.commit();
    const user = await db.user.findFirstOrThrow({ where: { email: `ctl-${suffix}@example.com` } });
    const label = versions.length + 1;
    await db.modelVersion.create({
      data: { modelId, label, digest: staged.digest, sizeBytes: bytes.length, format: 'onnx', filename: 'model.onnx', status, uploadedById: user.id },
    });
    versions.push({ digest: staged.digest, label });
    return versions[versions.length - 1]!;
  }

  const specOf = (label: number, extra: Record<string, unknown> = {}, strategy?: unknown): DeploymentSpec =>
    deploymentSpecSchema.parse({
      variants: [
        { name: 'primary', versionDigest: versions[label - 1]!.digest, versionLabel: label, machineType: 'cpu-small', replicas: 2, weight: 100, ...extra },
      ],
      strategy,
    });

  async function routed(name: string) {
    const table = routingTableSchema.parse(JSON.parse((await redis.get(channels(prefix).routingKey))!));
    return table.deployments[name];
  }

  /** Collects the routing tables published to gateways until `stop()`, which waits for every one published before it. */
  async function watchRouting() {
    const subscriber = redis.duplicate();
    const tables: RoutingTable[] = [];
    const END = 'end of the watch';
    let ended = () => undefined as void;
    const done = new Promise<void>((resolve) => {
      ended = resolve;
    });
    subscriber.on('message', (_channel: string, message: string) => {
      if (message === END) ended();
      else tables.push(routingTableSchema.parse(JSON.parse(message)));
    });
    await subscriber.subscribe(channels(prefix).routingChanged);
    return {
      async stop(): Promise<RoutingTable[]> {
        await redis.publish(channels(prefix).routingChanged, END);
        await done;
        subscriber.disconnect();
        return tables;
      },
    };
  }

  async function liveReplicas(deploymentId: string) {
    return db.replica.findMany({
      where: { variant: { deploymentId }, state: { in: ['starting', 'ready'] } },
      include: { variant: { include: { version: true } } },
    });
  }

  async function newDeployment(label: number, replicas = 2): Promise<{ id: string; name: string }> {
    const name = `ctl-${suffix}-${randomUUID().slice(0, 4)}`;
    const id = await deploy(transitions, { name, modelId, teamId, spec: specOf(label, { replicas }), author: 'test@example.com' });
    await converge(id);
    return { id, name };
  }

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 4 });
    redis = createRedis({ redisUrl: env.redisUrl, prefix });
    store = new FsBlobStore(await mkdtemp(path.join(tmpdir(), 'slipway-ctl-blobs-')));
    artifacts = new ArtifactCache(store, await mkdtemp(path.join(tmpdir(), 'slipway-ctl-cache-')));
    transitions = { db, producer };
    newDriver();
    for (const machine of DEFAULT_MACHINE_CATALOG) await db.machineType.upsert({ where: { name: machine.name }, update: {}, create: machine });
    const team = await db.team.create({ data: { name: `ctl-${suffix}` } });
    teamId = team.id;
    await db.user.create({ data: { email: `ctl-${suffix}@example.com`, name: 'ctl', passwordHash: 'x' } });
    modelId = (await db.model.create({ data: { name: `ctl-${suffix}`, teamId } })).id;
    await addVersion(buildMlp({ inputs: 4, hidden: 8, outputs: 3, seed: 1 }));
    await addVersion(buildMlp({ inputs: 4, hidden: 8, outputs: 3, seed: 2 }));
    // Starts like an ONNX model but is cut short: onnxruntime cannot load it, so its runtime exits at start.
    const whole = buildMlp({ inputs: 4, hidden: 8, outputs: 3, seed: 3 });
    await addVersion(whole.subarray(0, Math.floor(whole.length * 0.6)));
  });

  afterAll(async () => {
    // What this file deployed is not the platform's to heal later (the journeys' worker shares the database).
    await db?.deployment.updateMany({ where: { teamId }, data: { status: 'stopped' } });
    await Promise.all(drivers.map((d) => d.close()));
    redis?.disconnect();
    await db?.$disconnect();
  });

  it('rolls a new deployment out: replicas ready, routing published, revision 1 stable', async () => {
    const { id, name } = await newDeployment(1);
    const deployment = await db.deployment.findUniqueOrThrow({ where: { id } });
    expect(deployment).toMatchObject({ status: 'ready', targetRevision: 1, stableRevision: 1 });
    const table = await routed(name);
    expect(table?.variants).toHaveLength(1);
    expect(table?.variants[0]).toMatchObject({ name: 'primary', weight: 100 });
    expect(table!.variants[0]!.replicas).toHaveLength(2);
    const events = await db.deploymentEvent.findMany({ where: { deploymentId: id }, orderBy: { createdAt: 'asc' } });
    expect(events.at(-1)?.message).toBe('Revision 1 is live: primary v1 100%');
    // The replica set's secret, in the routing table for the gateway: without it, or with another, a replica answers 401.
    const [first, second] = table!.variants[0]!.replicas;
    expect(first!.token).toMatch(/^[\w-]{32}$/);
    expect(second!.token).toBe(first!.token);
    const call = (token?: string) =>
      fetch(`${first!.address}/v2/models/${name}`, { headers: token ? { [REPLICA_TOKEN_HEADER]: token } : {} }).then((r) => r.status);
    expect(await call()).toBe(401);
    expect(await call('another-replica-sets-token-012345')).toBe(401);
    expect(await call(first!.token)).toBe(200);
  });

  it('updates blue-green: new replicas first, one routing switch, old ones drained, stopped and retired', async () => {
    const { id, name } = await newDeployment(1);
    const before = (await liveReplicas(id)).map((r) => r.id);
    const deployment = await db.deployment.findUniqueOrThrow({ where: { id } });
    const { changes } = await update(transitions, deployment, specOf(2), { author: 'test@example.com' });
    expect(changes).toEqual(['primary: v1 → v2']);

    // The first pass starts v2 and switches traffic; v1 keeps serving until then. Gateways get one table: the switch.
    const watch = await watchRouting();
    const first = await reconcileDeployment(controller(), id);
    expect(first).toEqual({ requeueAfterMs: 1_000 });
    const published = await watch.stop();
    const table = await routed(name);
    expect(published.map((t) => t.deployments[name])).toEqual([table]);
    expect(table?.variants.map((v) => [v.weight, v.replicas.length])).toEqual([[100, 2]]);
    expect(table?.variants[0]?.replicas.map((r) => r.id)).not.toContain(before[0]);
    const draining = await db.replica.findMany({ where: { id: { in: before } } });
    expect(draining.map((r) => r.state)).toEqual(['draining', 'draining']);

    now += 1_000;
    await converge(id);
    const after = await liveReplicas(id);
    expect(after.map((r) => r.variant.version.label)).toEqual([2, 2]);
    expect((await db.replica.findMany({ where: { id: { in: before } } })).map((r) => r.state)).toEqual(['stopped', 'stopped']);
    for (const pid of draining.map((r) => r.pid!)) expect(() => process.kill(pid, 0)).toThrow();
    expect(await db.deployment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'ready', stableRevision: 2, targetRevision: 2 });
    expect(await db.variant.count({ where: { deploymentId: id, retiredAt: { not: null } } })).toBe(1);
  });

  it('rolls back automatically when the new version cannot start, and keeps the old one serving', async () => {
    const { id, name } = await newDeployment(1, 1);
    const serving = (await liveReplicas(id)).map((r) => r.id);
    const deployment = await db.deployment.findUniqueOrThrow({ where: { id } });
    await update(transitions, deployment, specOf(3, { replicas: 1 }), { author: 'test@example.com' });
    await converge(id);
    const after = await db.deployment.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ status: 'ready', targetRevision: 3, stableRevision: 3 });
    expect(after.statusReason).toMatch(/^Revision 2 was rolled back: runtime exited with code 1 before listening/);
    const revision = await loadRevision(db, id, 3);
    expect(revision?.reason).toMatch(/^automatic rollback of revision 2: /);
    expect(revision?.spec.variants[0]?.versionLabel).toBe(1);
    expect((await liveReplicas(id)).map((r) => r.id)).toEqual(serving);
    expect((await routed(name))?.variants[0]?.replicas.map((r) => r.id)).toEqual(serving);
  });

  it('walks a canary through its steps and promotes it when the guardrails hold', async () => {
    const { id, name } = await newDeployment(1, 1);
    const steps = [
      { weight: 20, bakeSeconds: 5 },
      { weight: 60, bakeSeconds: 5 },
    ];
    const deployment = await db.deployment.findUniqueOrThrow({ where: { id } });
    await update(transitions, deployment, specOf(2, { replicas: 1 }, { type: 'canary', steps, guardrails: { minRequests: 20 } }), {
      author: 'test@example.com',
    });
    // While the step bakes, the controller looks at the live counters every second.
    expect(await reconcileDeployment(controller(), id)).toEqual({ requeueAfterMs: LIVE_RECHECK_MS });
    expect((await routed(name))?.variants.map((v) => v.weight)).toEqual([80, 20]);

    const [v1, v2] = await db.variant.findMany({ where: { deploymentId: id }, orderBy: { createdAt: 'asc' } });
    // Gateways learn which set is judged, and that its failures are retried on the primary (the canary default).
    expect((await routed(name))?.canary).toEqual({ candidates: [v2!.id], retryOnPrimary: true });
    // What the gateway would have flushed for the step: both healthy, similar latency.
    await rollup(v1!.id, 400, 0, 2);
    await rollup(v2!.id, 100, 0, 2);
    now += 5_000;
    expect(await reconcileDeployment(controller(), id)).toEqual({ requeueAfterMs: LIVE_RECHECK_MS });
    expect((await routed(name))?.variants.map((v) => v.weight)).toEqual([40, 60]);
    await rollup(v1!.id, 200, 0, 2);
    await rollup(v2!.id, 300, 0, 2);
    now += 5_000;
    await converge(id);
    expect(await db.deployment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'ready', stableRevision: 2 });
    expect((await routed(name))?.variants.map((v) => [v.id, v.weight])).toEqual([[v2!.id, 100]]);
  });

  it('rolls a canary back when the candidate answers errors, saying which metric, by how much, over how many requests', async () => {
    const { id, name } = await newDeployment(1, 1);
    const deployment = await db.deployment.findUniqueOrThrow({ where: { id } });
    await update(transitions, deployment, specOf(2, { replicas: 1 }, { type: 'canary', steps: [{ weight: 50, bakeSeconds: 5 }] }), {
      author: 'test@example.com',
    });
    await reconcileDeployment(controller(), id);
    const [v1, v2] = await db.variant.findMany({ where: { deploymentId: id }, orderBy: { createdAt: 'asc' } });
    await rollup(v1!.id, 100, 0, 2);
    await rollup(v2!.id, 100, 30, 2);
    now += 5_000;
    await converge(id);
    const after = await db.deployment.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ status: 'ready', targetRevision: 3, stableRevision: 3 });
    expect(after.statusReason).toBe(
      'Revision 2 was rolled back: guardrail breached at 50%: error rate 30.0% vs 0.0% on the primary (limit +1.0 pp) over 100 requests',
    );
    expect((await routed(name))?.variants.map((v) => [v.id, v.weight])).toEqual([[v1!.id, 100]]);
    expect(await db.replica.count({ where: { variantId: v2!.id, state: { in: ['starting', 'ready', 'draining'] } } })).toBe(0);
  });

  it('rolls a canary back when the candidate is less accurate than the primary on the labels received (accuracy guardrail)', async () => {
    const { id, name } = await newDeployment(1, 1);
    const deployment = await db.deployment.findUniqueOrThrow({ where: { id } });
    const guardrails = { minRequests: 20, accuracy: { maxDrop: 0.02, minLabels: 100 } };
    await update(transitions, deployment, specOf(2, { replicas: 1 }, { type: 'canary', steps: [{ weight: 50, bakeSeconds: 5 }], guardrails }), {
      author: 'test@example.com',
    });
    await reconcileDeployment(controller(), id);
    const [v1, v2] = await db.variant.findMany({ where: { deploymentId: id }, orderBy: { createdAt: 'asc' } });
    // Healthy on errors and latency: only accuracy tells them apart.
    await rollup(v1!.id, 150, 0, 2);
    await rollup(v2!.id, 150, 0, 2);
    // What the gateway's ledger would hold for the step, then the labels callers sent: primary right 135 of 150, candidate 105.
    await answered(id, v1!.id, 150, 135);
    await answered(id, v2!.id, 150, 105);
    now += 5_000;
    await converge(id);
    const after = await db.deployment.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ status: 'ready', targetRevision: 3, stableRevision: 3 });
    expect(after.statusReason).toBe(
      'Revision 2 was rolled back: guardrail breached at 50%: accuracy 70.0% vs 90.0% on the primary (limit −2.0 pp) over 150 labels',
    );
    expect((await routed(name))?.variants.map((v) => [v.id, v.weight])).toEqual([[v1!.id, 100]]);
  });

  it('rolls back a candidate that fails its first requests at once, long before its step has baked', async () => {
    const { id, name } = await newDeployment(1, 1);
    const deployment = await db.deployment.findUniqueOrThrow({ where: { id } });
    const steps = [{ weight: 10, bakeSeconds: 300 }];
    await update(transitions, deployment, specOf(2, { replicas: 1 }, { type: 'canary', steps, retryOnPrimary: false }), { author: 'test@example.com' });
    expect(await reconcileDeployment(controller(), id)).toEqual({ requeueAfterMs: LIVE_RECHECK_MS });
    const [v1, v2] = await db.variant.findMany({ where: { deploymentId: id }, orderBy: { createdAt: 'asc' } });
    expect((await routed(name))?.canary).toEqual({ candidates: [v2!.id], retryOnPrimary: false });
    await rollup(v1!.id, 27, 0, 2);
    await rollup(v2!.id, 3, 3, 2);
    // The clock does not move: the next look (a gateway's nudge, or a second later) rolls back.
    await converge(id);
    const after = await db.deployment.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ status: 'ready', targetRevision: 3, stableRevision: 3 });
    expect(after.statusReason).toBe(
      'Revision 2 was rolled back: guardrail breached at 10%: 3 of 3 requests failed on the candidate vs 0.0% on the primary: ' +
        'its error rate stays above 1.0% even if its next 47 requests succeed',
    );
    expect((await routed(name))?.variants.map((v) => [v.id, v.weight])).toEqual([[v1!.id, 100]]);
    expect((await routed(name))?.canary).toBeUndefined();
  });

  it('holds a paused canary and goes straight to 100 % when promoted', async () => {
    const { id } = await newDeployment(1, 1);
    let deployment = await db.deployment.findUniqueOrThrow({ where: { id } });
    await update(
      transitions,
      deployment,
      specOf(
        2,
        { replicas: 1 },
        {
          type: 'canary',
          steps: [
            { weight: 10, bakeSeconds: 3600 },
            { weight: 50, bakeSeconds: 3600 },
          ],
        },
      ),
      {
        author: 'test@example.com',
      },
    );
    await reconcileDeployment(controller(), id);
    deployment = await db.deployment.findUniqueOrThrow({ where: { id } });
    await promote(transitions, deployment, 'test@example.com');
    await converge(id);
    expect(await db.deployment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'ready', stableRevision: 2 });
    expect((await liveReplicas(id)).map((r) => r.variant.version.label)).toEqual([2]);
  });

  it('stops a deployment out of routing first: its replicas drain while gateways no longer send them anything, then stop', async () => {
    const { id, name } = await newDeployment(1, 1);
    const [replica] = await liveReplicas(id);
    await stop(transitions, await db.deployment.findUniqueOrThrow({ where: { id } }), 'test@example.com');

    const watch = await watchRouting();
    expect(await reconcileDeployment(controller(), id)).toEqual({ requeueAfterMs: 1_000 });
    const published = await watch.stop();
    expect(published.map((t) => t.deployments[name])).toEqual([undefined]);
    expect(await routed(name)).toBeUndefined();
    // Out of routing, still running: what it was sent before the switch finishes.
    expect(await db.replica.findUniqueOrThrow({ where: { id: replica!.id } })).toMatchObject({ state: 'draining' });
    expect(() => process.kill(replica!.pid!, 0)).not.toThrow();

    now += 1_000;
    await converge(id);
    expect(await db.deployment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'stopped', stableRevision: null });
    expect(await db.replica.findUniqueOrThrow({ where: { id: replica!.id } })).toMatchObject({ state: 'stopped' });
    expect(() => process.kill(replica!.pid!, 0)).toThrow();
  });

  it('replaces a replica killed with SIGKILL and says so', async () => {
    const { id, name } = await newDeployment(1, 2);
    const c = controller();
    const health = new ReplicaHealth(c, producer);
    const [victim] = await liveReplicas(id);
    const replaced = new Promise<void>((resolve) => drivers[0]!.onExit((replicaId) => replicaId === victim!.id && resolve()));
    process.kill(victim!.pid!, 'SIGKILL');
    await replaced;
    // The exit listener runs asynchronously; resync lets it finish before probing, so the exit's reason is recorded.
    await health.resync();
    expect(woken).toContain(id);
    await converge(id, c);
    const live = await liveReplicas(id);
    expect(live).toHaveLength(2);
    expect(live.map((r) => r.id)).not.toContain(victim!.id);
    expect(await db.replica.findUniqueOrThrow({ where: { id: victim!.id } })).toMatchObject({ state: 'failed', reason: 'exited (signal SIGKILL)' });
    expect((await routed(name))?.variants[0]?.replicas.map((r) => r.id).sort()).toEqual(live.map((r) => r.id).sort());
    const events = await db.deploymentEvent.findMany({ where: { deploymentId: id, step: 'healing' } });
    expect(events.map((e) => e.message)).toEqual([`Replica ${victim!.id.slice(0, 8)} of primary exited (signal SIGKILL): replacing it`]);
  });

  it('resumes after the worker dies mid-rollout, with exactly the spec’s replica count and no duplicate', async () => {
    const name = `ctl-${suffix}-resume`;
    const id = await deploy(transitions, { name, modelId, teamId, spec: specOf(1, { replicas: 3 }), author: 'test@example.com' });
    // The first worker starts three replicas and dies before it sees them ready: its pass never finishes.
    const dying = newDriver();
    let started = 0;
    const allStarted = new Promise<void>((resolve) => {
      dying.waitReady = () => {
        if (++started === 3) resolve();
        return new Promise<void>(() => undefined);
      };
    });
    void reconcileDeployment(controller(dying), id);
    await allStarted;
    const orphans = (await db.replica.findMany({ where: { variant: { deploymentId: id } } })).map((r) => r.id).sort();
    expect(orphans).toHaveLength(3);

    // Its successor (a new process: a new driver) adopts them rather than starting more.
    await converge(id, controller(newDriver()));
    const live = await liveReplicas(id);
    expect(live.map((r) => [r.id, r.state]).sort()).toEqual(orphans.map((rid) => [rid, 'ready']));
    expect(await db.replica.count({ where: { variant: { deploymentId: id } } })).toBe(3);
    expect(await db.deployment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'ready', stableRevision: 1 });
    expect((await routed(name))?.variants[0]?.replicas).toHaveLength(3);
  });

  it('lets two worker processes share the work with one owner per deployment: exactly the spec’s replicas', async () => {
    const queue = { redisUrl: env.redisUrl, prefix };
    const realProducer = new JobProducer(redis, queue);
    const workers = [newDriver(), newDriver()].map((driver) => {
      const c = { ...controller(driver), clock: Date.now, transitions: { db, producer: realProducer } };
      return startWorkers({
        db,
        redis,
        store,
        artifacts,
        driver,
        prefix,
        controller: c,
        health: new ReplicaHealth(c, realProducer),
        autoscaler: new Autoscaler(c, realProducer),
        producer: realProducer,
      });
    });
    try {
      const name = `ctl-${suffix}-two`;
      const id = await deploy({ db, producer: realProducer }, { name, modelId, teamId, spec: specOf(1, { replicas: 3 }), author: 'test@example.com' });
      // Web calls and resync ticks from both processes ask for the same deployment at once.
      await Promise.all(Array.from({ length: 20 }, () => realProducer.enqueue('reconcileDeployment', { deploymentId: id })));
      await until(async () => (await db.deployment.findUniqueOrThrow({ where: { id } })).status === 'ready');
      expect(await db.replica.count({ where: { variant: { deploymentId: id } } })).toBe(3);
      expect((await liveReplicas(id)).filter((r) => r.state === 'ready')).toHaveLength(3);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await realProducer.close();
    }
  });

  describe('autoscaler', () => {
    const autoscaling = { minReplicas: 1, maxReplicas: 4, targetOngoingRequests: 4, upscaleDelaySeconds: 2, downscaleDelaySeconds: 10, lookBackSeconds: 2 };
    /** What a gateway publishes: requests in flight per variant (see apps/gateway/src/in-flight.ts). */
    const inFlight = (variantId: string, n: number) => redis.hset(`${prefix}:inflight:test-gateway`, variantId, String(n));

    async function ticks(autoscaler: Autoscaler, id: string, seconds: number) {
      for (let i = 0; i < seconds; i++) {
        now += 1_000;
        await autoscaler.tick();
        await converge(id);
      }
    }

    it('scales up under a step load and back down after it, within its bounds, saying why', async () => {
      const name = `ctl-${suffix}-auto`;
      const id = await deploy(transitions, { name, modelId, teamId, spec: specOf(1, { replicas: 1, autoscaling }), author: 'test@example.com' });
      await converge(id);
      const autoscaler = new Autoscaler(controller(), producer);
      const [row] = await db.variant.findMany({ where: { deploymentId: id } });
      await inFlight(row!.id, 14);
      await ticks(autoscaler, id, 4);
      expect((await liveReplicas(id)).length).toBe(4);
      await inFlight(row!.id, 40);
      await ticks(autoscaler, id, 4);
      expect((await db.variant.findUniqueOrThrow({ where: { id: row!.id } })).replicas).toBe(4);
      await inFlight(row!.id, 0);
      await ticks(autoscaler, id, 14);
      expect((await liveReplicas(id)).length).toBe(1);
      const messages = (await db.deploymentEvent.findMany({ where: { deploymentId: id, step: 'autoscale' }, orderBy: { createdAt: 'asc' } })).map(
        (e) => e.message,
      );
      expect(messages).toEqual([
        'primary: scaled 1 → 4: 14 request(s) in flight, target 4 per replica',
        'primary: scaled 4 → 1: 0 request(s) in flight, target 4 per replica',
      ]);
      expect(await db.scaleSample.count({ where: { variantId: row!.id } })).toBeGreaterThan(2);
      await redis.hdel(`${prefix}:inflight:test-gateway`, row!.id);
    });

    it('sleeps at zero after idling and wakes at once when a gateway asks', async () => {
      const name = `ctl-${suffix}-sleep`;
      const sleepy = { ...autoscaling, minReplicas: 0, scaleToZeroDelaySeconds: 5 };
      const id = await deploy(transitions, { name, modelId, teamId, spec: specOf(1, { replicas: 1, autoscaling: sleepy }), author: 'test@example.com' });
      await converge(id);
      const autoscaler = new Autoscaler(controller(), producer);
      await ticks(autoscaler, id, 7);
      expect(await liveReplicas(id)).toEqual([]);
      const table = await routed(name);
      expect(table?.variants[0]).toMatchObject({ weight: 100, desiredReplicas: 0, replicas: [] });

      await autoscaler.wake(
        id,
        table!.variants.map((v) => v.id),
      );
      await converge(id);
      expect((await liveReplicas(id)).map((r) => r.state)).toEqual(['ready']);
      expect((await routed(name))?.variants[0]?.replicas).toHaveLength(1);
      const messages = (await db.deploymentEvent.findMany({ where: { deploymentId: id, step: 'autoscale' }, orderBy: { createdAt: 'asc' } })).map(
        (e) => e.message,
      );
      expect(messages).toEqual(['primary: scaled 1 → 0: idle for 5 s', 'primary: woken by a request, scaling 0 → 1']);
    });

    it('follows a schedule’s bounds in its time zone (injected clock)', async () => {
      const name = `ctl-${suffix}-cron`;
      const scheduled = {
        ...autoscaling,
        minReplicas: 1,
        schedules: [
          { cron: '0 8 * * 1-5', timeZone: 'Europe/Ljubljana', minReplicas: 3 },
          { cron: '0 18 * * 1-5', timeZone: 'Europe/Ljubljana', minReplicas: 1 },
        ],
      };
      const id = await deploy(transitions, { name, modelId, teamId, spec: specOf(1, { replicas: 1, autoscaling: scheduled }), author: 'test@example.com' });
      await converge(id);
      const autoscaler = new Autoscaler({ ...controller(), clock: () => Date.parse('2026-12-01T07:00:05Z') }, producer);
      await autoscaler.tick();
      await converge(id);
      expect((await liveReplicas(id)).length).toBe(3);
      const evening = new Autoscaler({ ...controller(), clock: () => Date.parse('2026-12-01T17:00:05Z') }, producer);
      await evening.tick();
      expect((await db.variant.findFirstOrThrow({ where: { deploymentId: id } })).replicas).toBe(3);
    });
  });

  /** Waits for a state the controller reaches on its own (in BullMQ jobs this test does not drive). */
  async function until(done: () => Promise<boolean>, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** `count` answers of a variant in the predictions ledger, then feedback saying the first `correct` were right. */
  async function answered(deploymentId: string, variantId: string, count: number, correct: number) {
    const rows = Array.from({ length: count }, (_, i) => ({ deploymentId, requestId: randomUUID(), variantId, label: '1', answeredAt: new Date(now + 1) }));
    await db.prediction.createMany({ data: rows });
    const items = rows.map((r, i) => ({ requestId: r.requestId, label: i < correct ? '1' : '2' }));
    expect(await recordFeedback(db, deploymentId, items, now + 2, 90)).toMatchObject({ joined: count, unknown: 0 });
  }

  /** What gateways would have added to a variant's live counters: `count` requests, `errors` of them 5xx, all at about `latencyMs`. */
  async function rollup(variantId: string, count: number, errors: number, latencyMs: number) {
    const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    buckets[bucketIndex(latencyMs)] = count;
    const pipeline = redis.pipeline();
    addLiveCounts(pipeline, prefix, variantId, { count, errors, buckets });
    await pipeline.exec();
  }
});
