import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, generateApiKey, hashApiKey, type Db } from '@slipway/db';
import { channels, createRedis, type RoutingTable } from '@slipway/queue';
import { requireTestEnv, startRuntime, type RunningRuntime } from '@slipway/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from './server';

const IRIS = fileURLToPath(new URL('../../../models/iris/iris.onnx', import.meta.url));
const SETOSA = { inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } };

/** Rows a real deployment has, so rollups and API keys resolve against the database. */
async function seedDeployment(db: Db, name: string, variantNames: string[]) {
  const team = await db.team.create({ data: { name: `team-${name}` } });
  const user = await db.user.create({ data: { email: `${name}@example.com`, name, passwordHash: 'x', memberships: { create: { teamId: team.id, role: 'member' } } } });
  const machine = await db.machineType.upsert({ where: { name: 'cpu-small' }, update: {}, create: { name: 'cpu-small', vcpu: 1, memoryMb: 2048, hourlyCost: 0.05 } });
  const model = await db.model.create({
    data: { name, teamId: team.id, versions: { create: { label: 1, digest: randomUUID().replace(/-/g, '').padEnd(64, '0'), sizeBytes: 1, format: 'onnx', filename: 'iris.onnx', uploadedById: user.id, status: 'ready' } } },
    include: { versions: true },
  });
  const deployment = await db.deployment.create({
    data: {
      name,
      modelId: model.id,
      teamId: team.id,
      status: 'ready',
      variants: { create: variantNames.map((v) => ({ name: v, versionId: model.versions[0].id, machineTypeId: machine.id, replicas: 1 })) },
    },
    include: { variants: true },
  });
  const key = generateApiKey();
  await db.apiKey.create({ data: { name: 'test', prefix: key.prefix, hash: key.hash, userId: user.id } });
  const limited = generateApiKey();
  await db.apiKey.create({ data: { name: 'limited', prefix: limited.prefix, hash: limited.hash, userId: user.id, rateLimitPerSecond: 2 } });
  return { deployment, teamId: team.id, key: key.key, limitedKey: limited.key, variantIds: Object.fromEntries(deployment.variants.map((v) => [v.name, v.id])) };
}

describe('gateway', () => {
  const env = requireTestEnv();
  const prefix = `slipway-test-gw-${randomUUID().slice(0, 8)}`;
  const name = `gw-${randomUUID().slice(0, 8)}`;
  let db: Db;
  let redis: Redis;
  let gateway: Gateway;
  let replicas: Record<'a1' | 'a2' | 'b' | 'shadow', RunningRuntime>;
  let seeded: Awaited<ReturnType<typeof seedDeployment>>;

  function table(variants: { name: string; weight: number; mirrorPercent?: number; replicas: RunningRuntime[] }[]): RoutingTable {
    return {
      generatedAt: new Date().toISOString(),
      deployments: {
        [name]: {
          id: seeded.deployment.id,
          name,
          teamId: seeded.teamId,
          variants: variants.map((v) => ({
            id: seeded.variantIds[v.name],
            name: v.name,
            weight: v.weight,
            mirrorPercent: v.mirrorPercent ?? 0,
            replicas: v.replicas.map((r, i) => ({ id: `${v.name}-${i}`, address: r.address })),
          })),
        },
      },
    };
  }

  async function publish(t: RoutingTable): Promise<void> {
    await redis.publish(channels(prefix).routingChanged, JSON.stringify(t));
    for (let i = 0; i < 100 && gateway.routing.deployment(name)?.variants.length !== t.deployments[name].variants.length; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const predict = (headers: Record<string, string> = {}, key = seeded.key) =>
    fetch(`${gateway.url}/models/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
      body: JSON.stringify(SETOSA),
    });

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 2 });
    redis = createRedis({ redisUrl: env.redisUrl, prefix });
    seeded = await seedDeployment(db, name, ['a', 'b', 'shadow']);
    const [a1, a2, b, shadow] = await Promise.all([1, 2, 3, 4].map(() => startRuntime({ modelPath: IRIS, name })));
    replicas = { a1, a2, b, shadow };
    gateway = await startGateway({
      db, redis, prefix, port: 0, host: '127.0.0.1', rollupIntervalMs: 60_000, maxBodyBytes: 1024 * 1024, defaultRateLimit: 10_000, sampleRate: 1,
    });
    await publish(table([{ name: 'a', weight: 75, replicas: [a1, a2] }, { name: 'b', weight: 25, replicas: [b] }]));
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(Object.values(replicas ?? {}).map((r) => r.stop()));
    redis?.disconnect();
    await db?.$disconnect();
  });

  it('follows routing-table updates from Redis and forwards predictions', async () => {
    const response = await predict();
    expect(response.status).toBe(200);
    expect((await response.json()).outputs.label).toEqual([0]);
  });

  it('splits traffic by variant weight', async () => {
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 400; i++) {
      const response = await predict();
      await response.arrayBuffer();
      counts[response.headers.get('x-slipway-variant') as 'a' | 'b']++;
    }
    expect(counts.a + counts.b).toBe(400);
    expect(counts.b / 400).toBeGreaterThan(0.15);
    expect(counts.b / 400).toBeLessThan(0.35);
  });

  it('keeps a sticky caller on one variant and honours a pinned variant', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const response = await predict({ 'x-slipway-key': 'customer-17' });
      await response.arrayBuffer();
      seen.add(response.headers.get('x-slipway-variant')!);
    }
    expect(seen.size).toBe(1);
    for (let i = 0; i < 10; i++) {
      const response = await predict({ 'x-slipway-variant': 'b' });
      await response.arrayBuffer();
      expect(response.headers.get('x-slipway-variant')).toBe('b');
    }
  });

  it('mirrors to a shadow variant, never answers from it, and counts agreement', async () => {
    await publish(
      table([
        { name: 'a', weight: 100, replicas: [replicas.a1, replicas.a2] },
        { name: 'shadow', weight: 0, mirrorPercent: 100, replicas: [replicas.shadow] },
      ]),
    );
    for (let i = 0; i < 20; i++) {
      const response = await predict();
      expect(response.headers.get('x-slipway-variant')).toBe('a');
      await response.arrayBuffer();
    }
    await expect.poll(() => gateway.shadows.byVariant.get(seeded.variantIds.shadow)?.mirrored ?? 0).toBe(20);
    const stats = gateway.shadows.byVariant.get(seeded.variantIds.shadow)!;
    expect(stats.agreed).toBe(20);
    expect(stats.disagreed + stats.failed).toBe(0);
  });

  it('answers 429 with Retry-After once a key exceeds its rate limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await predict({}, seeded.limitedKey);
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect((await response.json()).error.code).toBe('rate_limited');
      } else await response.arrayBuffer();
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
  });

  it('samples payloads and outputs into a bounded Redis stream for drift', async () => {
    const entries = await redis.xrange(`${prefix}:samples:${name}`, '-', '+', 'COUNT', 1);
    expect(entries.length).toBe(1);
    const fields = entries[0][1];
    expect(JSON.parse(fields[fields.indexOf('request') + 1])).toEqual(SETOSA);
    expect(JSON.parse(fields[fields.indexOf('response') + 1]).outputs.label).toEqual([0]);
  });

  it('writes latency rollups per variant to Postgres', async () => {
    await gateway.recorder.flush();
    const rows = await db.latencyRollup.findMany({ where: { variantId: { in: Object.values(seeded.variantIds) } } });
    const total = rows.reduce((n, r) => n + r.count, 0);
    expect(total).toBeGreaterThan(400);
    expect(rows.every((r) => r.buckets.reduce((a, b) => a + b, 0) === r.count)).toBe(true);
  });

  it('publishes in-flight requests per variant for the autoscaler', async () => {
    // A replica that holds requests in its batching queue keeps them in flight long enough to see.
    const slow = await startRuntime({ modelPath: IRIS, name, env: { SLIPWAY_MAX_QUEUE_DELAY_MS: '3000' } });
    try {
      await publish(table([{ name: 'a', weight: 100, replicas: [replicas.a1] }, { name: 'b', weight: 0, replicas: [slow] }]));
      const held = Array.from({ length: 5 }, () => predict({ 'x-slipway-variant': 'b' }).then((r) => r.status));
      // The gateway publishes every second; by now it has, with all five held (released at 3 s).
      await new Promise((r) => setTimeout(r, 1_500));
      const keys = await redis.keys(`${prefix}:inflight:*`);
      const counts = await Promise.all(keys.map((k) => redis.hget(k, seeded.variantIds.b)));
      expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(5);
      expect(await Promise.all(held)).toEqual([200, 200, 200, 200, 200]);
    } finally {
      await slow.stop();
    }
  });

  it('ejects a replica that answers 5xx and keeps serving from the healthy one', async () => {
    // A broken replica (answers 503 to everything) stands in for a runtime in trouble.
    const broken = createServer((_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"overloaded"}'));
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
    try {
      await publish(table([{ name: 'a', weight: 100, replicas: [replicas.a1, { address } as RunningRuntime] }]));
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const response = await predict();
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      expect(statuses.filter((s) => s === 503).length).toBe(1);
      expect(statuses.slice(-30).every((s) => s === 200)).toBe(true);
    } finally {
      broken.close();
    }
  });

  it('drops a revoked API key as soon as the change is announced', async () => {
    const key = generateApiKey();
    const { userId } = await db.apiKey.findUniqueOrThrow({ where: { hash: hashApiKey(seeded.key) } });
    const row = await db.apiKey.create({ data: { name: 'revoked', prefix: key.prefix, hash: key.hash, userId } });
    await publish(table([{ name: 'a', weight: 100, replicas: [replicas.a1, replicas.a2] }]));
    expect((await predict({}, key.key)).status).toBe(200);
    await db.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    await redis.publish(channels(prefix).apiKeysChanged, row.id);
    await new Promise((r) => setTimeout(r, 100));
    expect((await predict({}, key.key)).status).toBe(401);
  });

  it('loses no request when a replica is killed with SIGKILL under load', async () => {
    await publish(table([{ name: 'a', weight: 100, replicas: [replicas.a1, replicas.a2] }]));
    const results: number[] = [];
    let stop = false;
    const load = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!stop) {
          const response = await predict();
          await response.arrayBuffer();
          results.push(response.status);
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    replicas.a2.process.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 700));
    stop = true;
    await load;
    expect(results.length).toBeGreaterThan(50);
    // Inference is pure, so even requests the dead replica had taken but not answered are retried.
    expect(results.filter((s) => s !== 200)).toEqual([]);
  });
});
