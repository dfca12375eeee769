import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeFrame, FrameDecoder, FrameKind, framedAddress, pickWeighted, stickyUnit } from '@slipway/core';
import { createDb, generateApiKey, hashApiKey, type Db } from '@slipway/db';
import { buildMlp } from '@slipway/onnx-builder';
import { channels, createRedis, publishAccessChanged, type RoutedDeployment, type RoutingTable, type WakeRequest } from '@slipway/queue';
import { requireTestEnv, seedDeployment, startRuntime, type RunningRuntime } from '@slipway/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RoutingState } from './routing-state';
import { startGateway, type Gateway } from './server';

const IRIS = fileURLToPath(new URL('../../../models/iris/iris.onnx', import.meta.url));
const SETOSA = { inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } };

describe('gateway', () => {
  const env = requireTestEnv();
  const prefix = `slipway-test-gw-${randomUUID().slice(0, 8)}`;
  const name = `gw-${randomUUID().slice(0, 8)}`;
  let db: Db;
  let redis: Redis;
  let gateway: Gateway;
  // `rival` runs a different model than the others, so its answers disagree with the primary's.
  let replicas: Record<'a1' | 'a2' | 'b' | 'shadow' | 'rival', RunningRuntime>;
  const scratch = mkdtempSync(path.join(tmpdir(), 'slipway-gw-'));
  const variantNames = ['a', 'b', 'shadow', 'rival'] as const;
  let seeded: Awaited<ReturnType<typeof seedDeployment<(typeof variantNames)[number]>>>;
  /** Wake requests seen on the Redis channel, in order. */
  const wakes: WakeRequest[] = [];
  let wakeSubscriber: Redis;

  const metricsToken = 'metrics-token-0123456789abcdef';
  const gatewayOptions = () => ({
    db,
    redis,
    prefix,
    port: 0,
    host: '127.0.0.1',
    metricsToken,
    rollupIntervalMs: 60_000,
    maxBodyBytes: 1024 * 1024,
    defaultRateLimit: 10_000,
    holdMaxRequests: 1_000,
    holdTimeoutMs: 30_000,
  });

  /**
   * `desiredReplicas` defaults to the replicas listed, as the controller publishes a settled variant; `role`
   * to primary for `a`, shadow for a mirrored variant and candidate for the others.
   */
  function table(
    variants: {
      name: (typeof variantNames)[number];
      weight: number;
      mirrorPercent?: number;
      replicas: RunningRuntime[];
      desiredReplicas?: number;
      role?: 'primary' | 'candidate' | 'shadow';
    }[],
  ): RoutingTable {
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
            role: v.role ?? (v.name === 'a' ? 'primary' : (v.mirrorPercent ?? 0) > 0 ? 'shadow' : 'candidate'),
            mirrorPercent: v.mirrorPercent ?? 0,
            replicas: v.replicas.map((r, i) => ({
              id: `${v.name}-${i}`,
              address: r.address,
              ...(r.framedAddress && { framedAddress: r.framedAddress }),
              ...(r.token && { token: r.token }),
            })),
            desiredReplicas: v.desiredReplicas ?? v.replicas.length,
          })),
        },
      },
    };
  }

  async function publish(t: RoutingTable, gateways = [gateway]): Promise<void> {
    await redis.publish(channels(prefix).routingChanged, JSON.stringify(t));
    await vi.waitFor(() => {
      for (const g of gateways) expect(g.routing.deployment(name)).toEqual(t.deployments[name]);
    });
  }

  const nextWake = () =>
    new Promise<WakeRequest>((resolve) => wakeSubscriber.once('message', (_channel: string, message: string) => resolve(JSON.parse(message))));

  /** One series' value from a gateway's /metrics (undefined when absent). */
  async function metric(g: Gateway, series: string): Promise<number | undefined> {
    const text = await (await fetch(`${g.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  }

  /** Requests a replica answered, from its own /metrics. */
  async function servedBy(runtime: RunningRuntime): Promise<number> {
    const text = await (await fetch(`${runtime.address}/metrics`, { headers: runtime.headers })).text();
    return [...text.matchAll(/^slipway_runtime_requests_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  }

  const predict = (headers: Record<string, string> = {}, key = seeded.key, via?: Gateway, signal?: AbortSignal) =>
    fetch(`${(via ?? gateway).url}/models/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
      body: JSON.stringify(SETOSA),
      signal,
    });

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 2 });
    redis = createRedis({ redisUrl: env.redisUrl, prefix });
    seeded = await seedDeployment(db, name, variantNames);
    const rivalModel = path.join(scratch, 'rival.onnx');
    writeFileSync(rivalModel, buildMlp({ inputs: 4, hidden: 8, outputs: 3, seed: 7 }));
    // Each replica has its own secret, as the driver starts them: the gateway sends it from the routing table.
    const start = (modelPath: string) => startRuntime({ modelPath, name, token: `token-${randomUUID()}` });
    const [a1, a2, b, shadow, rival] = await Promise.all([start(IRIS), start(IRIS), start(IRIS), start(IRIS), start(rivalModel)]);
    replicas = { a1, a2, b, shadow, rival };
    gateway = await startGateway(gatewayOptions());
    wakeSubscriber = redis.duplicate();
    wakeSubscriber.on('message', (_channel: string, message: string) => wakes.push(JSON.parse(message)));
    await wakeSubscriber.subscribe(channels(prefix).wake);
    await publish(
      table([
        { name: 'a', weight: 70, replicas: [a1, a2] },
        { name: 'b', weight: 30, replicas: [b] },
      ]),
    );
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    wakeSubscriber?.disconnect();
    await Promise.all(Object.values(replicas ?? {}).map((r) => r.stop()));
    redis?.disconnect();
    await db?.$disconnect();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('follows routing-table updates from Redis and forwards predictions', async () => {
    const response = await predict();
    expect(response.status).toBe(200);
    expect((await response.json()).outputs.label).toEqual([0]);
  });

  it('is the only caller its replicas answer: it sends each replica its token, a direct caller gets 401', async () => {
    const direct = await fetch(`${replicas.a1.address}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SETOSA),
    });
    expect(direct.status).toBe(401);
    const before = await servedBy(replicas.a1);
    const responses = await Promise.all(Array.from({ length: 10 }, () => predict({ 'x-slipway-variant': 'a' })));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(await servedBy(replicas.a1)).toBeGreaterThan(before);
  });

  it('answers /metrics only to a bearer of the metrics token', async () => {
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}x` } })).status).toBe(401);
    expect((await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${seeded.key}` } })).status).toBe(401);
    const allowed = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain(`deployment="${name}"`);
    const closed = await startGateway({ ...gatewayOptions(), metricsToken: undefined });
    try {
      expect((await fetch(`${closed.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(401);
    } finally {
      await closed.close();
    }
  });

  it('splits 5,000 requests 70/30 by variant weight, within 3 percentage points', async () => {
    const counts = { a: 0, b: 0 };
    let sent = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (sent < 5_000) {
          sent++;
          const response = await predict();
          await response.arrayBuffer();
          counts[response.headers.get('x-slipway-variant') as 'a' | 'b']++;
        }
      }),
    );
    expect(counts.a + counts.b).toBe(5_000);
    expect(Math.abs(counts.a / 5_000 - 0.7)).toBeLessThanOrEqual(0.03);
  }, 60_000);

  it('keeps a sticky caller on one variant across 200 requests and honours a pinned variant', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
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

  it('picks by weight among serving variants that share the pinned name', () => {
    const variant = (id: string, name: string, weight: number, mirrorPercent = 0) => ({
      id,
      name,
      weight,
      mirrorPercent,
      replicas: [{ id, address: `http://127.0.0.1:1/${id}` }],
      desiredReplicas: 1,
    });
    const deployment: RoutedDeployment = {
      id: 'd',
      name: 'd',
      teamId: 't',
      variants: [variant('v1', 'primary', 90), variant('v2', 'primary', 10), variant('other', 'other', 100), variant('s', 'primary', 0, 100)],
    };
    const routing = new RoutingState();
    const pick = (unit: number) => routing.pick(deployment, { unit, pinned: 'primary', isExcluded: () => false })?.variant.id;
    expect(pick(0.05)).toBe('v1');
    expect(pick(0.89)).toBe('v1');
    expect(pick(0.95)).toBe('v2');
    const excludingV2 = routing.pick(deployment, { unit: 0.95, pinned: 'primary', isExcluded: (a) => a.endsWith('/v2') });
    expect(excludingV2?.variant.id).toBe('v1');
  });

  it('refuses a pin to a shadow or a weight-0 variant, and never forwards it', async () => {
    await publish(
      table([
        { name: 'a', weight: 100, replicas: [replicas.a1] },
        { name: 'b', weight: 0, replicas: [replicas.b] },
        { name: 'shadow', weight: 0, mirrorPercent: 100, replicas: [replicas.shadow] },
      ]),
    );
    const before = { shadow: await servedBy(replicas.shadow), b: await servedBy(replicas.b) };
    for (const pinned of ['shadow', 'b']) {
      for (let i = 0; i < 5; i++) {
        const response = await predict({ 'x-slipway-variant': pinned });
        expect(response.status).toBe(404);
        expect((await response.json()).error).toEqual({
          code: 'not_found',
          message: `variant '${pinned}' does not take direct traffic (it is a shadow or at weight 0)`,
        });
      }
    }
    const unknown = await predict({ 'x-slipway-variant': 'nope' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toBe("no serving variant named 'nope'");
    expect({ shadow: await servedBy(replicas.shadow), b: await servedBy(replicas.b) }).toEqual(before);
    expect(gateway.shadows.byVariant.get(seeded.variantIds.shadow)).toBeUndefined();
  });

  it('mirrors to shadow variants, never answers from them, and writes their agreement as rollups', async () => {
    await publish(
      table([
        { name: 'a', weight: 100, replicas: [replicas.a1, replicas.a2] },
        { name: 'shadow', weight: 0, mirrorPercent: 100, replicas: [replicas.shadow] },
        { name: 'rival', weight: 0, mirrorPercent: 100, replicas: [replicas.rival] },
      ]),
    );
    for (let i = 0; i < 20; i++) {
      const response = await predict();
      expect(response.headers.get('x-slipway-variant')).toBe('a');
      await response.arrayBuffer();
    }
    const { shadow, rival } = seeded.variantIds;
    await expect.poll(() => [shadow, rival].map((id) => gateway.shadows.byVariant.get(id)?.mirrored ?? 0)).toEqual([20, 20]);
    expect(gateway.shadows.byVariant.get(shadow)).toMatchObject({ agreed: 20, disagreed: 0, failed: 0 });
    expect(gateway.shadows.byVariant.get(rival)).toMatchObject({ agreed: 0, disagreed: 20, failed: 0 });

    await gateway.shadows.flush();
    const rows = await db.shadowRollup.findMany({ where: { variantId: { in: [shadow, rival] } } });
    const totals = (id: string) => {
      const mine = rows.filter((r) => r.variantId === id);
      const sum = (f: (r: (typeof rows)[number]) => number) => mine.reduce((n, r) => n + f(r), 0);
      return {
        mirrored: sum((r) => r.mirrored),
        agreed: sum((r) => r.agreed),
        disagreed: sum((r) => r.disagreed),
        failed: sum((r) => r.failed),
        observed: sum((r) => r.buckets.reduce((a, b) => a + b, 0)),
      };
    };
    expect(totals(shadow)).toEqual({ mirrored: 20, agreed: 20, disagreed: 0, failed: 0, observed: 20 });
    expect(totals(rival)).toEqual({ mirrored: 20, agreed: 0, disagreed: 20, failed: 0, observed: 20 });

    // /metrics keeps counting since start, across rollup windows.
    const metrics = await (await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    expect(metrics).toContain(`slipway_shadow_requests_total{variant="${shadow}",outcome="agreed"} 20`);
    expect(metrics).toContain(`slipway_shadow_requests_total{variant="${rival}",outcome="disagreed"} 20`);
  });

  it('measures a shadow against the primary only: byte-identical to it under a 70/30 A/B, it reads 100 % agreement', async () => {
    // A fresh gateway: its shadow counters hold only what this test sends. The candidate `b` runs another model.
    const fresh = await startGateway(gatewayOptions());
    try {
      await publish(
        table([
          { name: 'a', weight: 70, replicas: [replicas.a1] },
          { name: 'b', weight: 30, replicas: [replicas.rival] },
          { name: 'shadow', weight: 0, mirrorPercent: 100, replicas: [replicas.shadow] },
        ]),
        [gateway, fresh],
      );
      const since = new Date();
      const answeredBy = { a: 0, b: 0 };
      for (let i = 0; i < 40; i++) {
        const response = await predict({ 'x-slipway-key': `shadowed-caller-${i}` }, seeded.key, fresh);
        await response.arrayBuffer();
        answeredBy[response.headers.get('x-slipway-variant') as 'a' | 'b']++;
      }
      expect(answeredBy.a).toBeGreaterThan(0);
      expect(answeredBy.b).toBeGreaterThan(0);
      const { shadow } = seeded.variantIds;
      await expect.poll(() => fresh.shadows.byVariant.get(shadow)?.mirrored).toBe(40);
      // Mirrored either way; compared only where the primary answered.
      expect(fresh.shadows.byVariant.get(shadow)).toMatchObject({ agreed: answeredBy.a, disagreed: 0, failed: 0, uncompared: answeredBy.b });

      await fresh.shadows.flush();
      const rows = await db.shadowRollup.findMany({ where: { variantId: shadow, windowEnd: { gte: since } } });
      const agreed = rows.reduce((n, r) => n + r.agreed, 0);
      const disagreed = rows.reduce((n, r) => n + r.disagreed, 0);
      expect(agreed / (agreed + disagreed)).toBe(1);
      expect(rows.reduce((n, r) => n + r.mirrored, 0)).toBe(40);
      expect(await metric(fresh, `slipway_shadow_requests_total{variant="${shadow}",outcome="uncompared"}`)).toBe(answeredBy.b);
    } finally {
      await fresh.close();
    }
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

  it('writes latency rollups per variant to Postgres', async () => {
    await gateway.recorder.flush();
    const rows = await db.latencyRollup.findMany({ where: { variantId: { in: Object.values(seeded.variantIds) } } });
    const total = rows.reduce((n, r) => n + r.count, 0);
    expect(total).toBeGreaterThan(5_000);
    expect(rows.every((r) => r.buckets.reduce((a, b) => a + b, 0) === r.count)).toBe(true);
  });

  it('publishes in-flight requests per variant for the autoscaler', async () => {
    // A replica that holds requests in its batching queue keeps them in flight long enough to see.
    const slow = await startRuntime({ modelPath: IRIS, name, token: `token-${randomUUID()}`, env: { SLIPWAY_MAX_QUEUE_DELAY_MS: '3000' } });
    try {
      await publish(
        table([
          { name: 'a', weight: 100, replicas: [replicas.a1] },
          { name: 'b', weight: 1, replicas: [slow] },
        ]),
      );
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

  /** A stand-in for a runtime in trouble: answers every request with 503, over HTTP or over the framed transport. */
  async function brokenReplica(transport: 'http' | 'framed'): Promise<{ replica: RunningRuntime; close(): void }> {
    const body = '{"error":"overloaded"}';
    const server =
      transport === 'http'
        ? createServer((_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end(body))
        : createNetServer((socket) => {
            const decoder = new FrameDecoder(1024 * 1024);
            socket.on('data', (chunk: Buffer) =>
              decoder.push(chunk, (frame) => {
                if (frame.kind === FrameKind.request) socket.write(encodeFrame(FrameKind.response, frame.id, 503, 'application/json', body));
              }),
            );
          });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // The framed one has no HTTP listener: its `address` only names it (for ejection).
    const replica =
      transport === 'http' ? { address: `http://127.0.0.1:${port}` } : { address: `http://127.0.0.1:${port}`, framedAddress: framedAddress('127.0.0.1', port) };
    return { replica: replica as RunningRuntime, close: () => server.close() };
  }

  for (const transport of ['http', 'framed'] as const) {
    it(`ejects a replica that answers 5xx and keeps serving from the healthy one (${transport})`, async () => {
      // 502 and 504 count too.
      const broken = await brokenReplica(transport);
      try {
        await publish(table([{ name: 'a', weight: 100, replicas: [replicas.a1, broken.replica] }]));
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
  }

  it('keeps a replica whose model answered 500 in rotation: that is an answer, not a sick replica', async () => {
    const failing = createServer((_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"model failed"}'));
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
    try {
      await publish(table([{ name: 'a', weight: 100, replicas: [replicas.a1, { address } as RunningRuntime] }]));
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const response = await predict();
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      expect(statuses.filter((s) => s === 500).length).toBe(20);
    } finally {
      failing.close();
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

  it("answers a malformed path escape or a 50,000-deep body with the replica's 400, and keeps the replica in rotation", async () => {
    await publish(table([{ name: 'a', weight: 100, replicas: [replicas.a1] }]));
    const call = (path: string, body: string) =>
      fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.key}` }, body });
    const badEscape = await call(`/v2/models/${name}/versions/%E0/infer`, '{"inputs":[]}');
    expect(badEscape.status).toBe(400);
    expect(await badEscape.json()).toEqual({ error: "malformed percent-escape in the path segment '%E0'" });
    const deep = `{"inputs":[{"name":"features","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}],"parameters":${'{"p":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
    const nested = await call(`/v2/models/${name}/infer`, deep);
    expect(nested.status).toBe(400);
    expect(await nested.json()).toEqual({ error: 'the body nests deeper than 64 levels' });
    const overflow = await call(`/v2/models/${name}/infer`, '{"inputs":[{"name":"features","datatype":"FP32","shape":[1,4],"data":[1,2,1e39,4]}]}');
    expect(overflow.status).toBe(400);
    await overflow.arrayBuffer();
    // Still routed to the only replica: a caller's mistake never ejects it.
    expect((await predict()).status).toBe(200);
  });

  it('counts 4xx apart from 5xx, in the rollups and as conventional Prometheus series', async () => {
    // A fresh gateway: its /metrics and rollups hold only what this test sends.
    const fresh = await startGateway(gatewayOptions());
    try {
      await publish(table([{ name: 'a', weight: 100, replicas: [replicas.a1] }]), [gateway, fresh]);
      const since = new Date();
      for (let i = 0; i < 3; i++) expect((await predict({}, seeded.key, fresh)).status).toBe(200);
      for (let i = 0; i < 2; i++) {
        const wrongShape = await fetch(`${fresh.url}/models/${name}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.key}` },
          body: JSON.stringify({ inputs: { features: [[1, 2]] } }),
        });
        expect(wrongShape.status).toBe(400);
      }
      await fresh.recorder.flush();
      const rows = await db.latencyRollup.findMany({ where: { variantId: seeded.variantIds.a, windowEnd: { gte: since } } });
      const sum = (key: 'count' | 'errors' | 'clientErrors') => rows.reduce((n, r) => n + r[key], 0);
      expect({ count: sum('count'), clientErrors: sum('clientErrors'), errors: sum('errors') }).toEqual({ count: 5, clientErrors: 2, errors: 0 });
      const labels = `deployment="${name}",variant="${seeded.variantIds.a}"`;
      expect(await metric(fresh, `slipway_gateway_requests_total{${labels},code_class="2xx"}`)).toBe(3);
      expect(await metric(fresh, `slipway_gateway_requests_total{${labels},code_class="4xx"}`)).toBe(2);
      expect(await metric(fresh, `slipway_gateway_requests_total{${labels},code_class="5xx"}`)).toBeUndefined();
      expect(await metric(fresh, `slipway_gateway_request_duration_seconds_bucket{${labels},le="+Inf"}`)).toBe(5);
      expect(await metric(fresh, `slipway_gateway_request_duration_seconds_count{${labels}}`)).toBe(5);
      expect(await metric(fresh, `slipway_gateway_request_duration_seconds_bucket{${labels},le="10"}`)).toBe(5);
    } finally {
      await fresh.close();
    }
  });

  it('lets a member added to a team call its deployments as soon as the web announces the change', async () => {
    const outsider = await db.user.create({ data: { email: `outsider-${randomUUID()}@example.com`, name: 'outsider', passwordHash: 'x' } });
    const key = generateApiKey();
    await db.apiKey.create({ data: { name: 'outsider', prefix: key.prefix, hash: key.hash, userId: outsider.id } });
    const refused = await predict({}, key.key);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('forbidden');
    // What POST /api/v1/teams/{id}/members does: the membership, then the announcement.
    await db.membership.create({ data: { userId: outsider.id, teamId: seeded.teamId, role: 'member' } });
    await publishAccessChanged(redis, prefix, `membership:${outsider.id}`);
    await expect.poll(async () => (await predict({}, key.key)).status).toBe(200);
  });

  it('releases the in-flight count of callers that disconnect mid-request', async () => {
    // A replica that holds requests in its batching queue keeps them in flight long enough to leave.
    const slow = await startRuntime({ modelPath: IRIS, name, token: `token-${randomUUID()}`, env: { SLIPWAY_MAX_QUEUE_DELAY_MS: '1500' } });
    const inFlight = () => metric(gateway, `slipway_gateway_in_flight{variant="${seeded.variantIds.a}"}`);
    try {
      await publish(table([{ name: 'a', weight: 100, replicas: [slow] }]));
      const leaving = Array.from({ length: 5 }, () => new AbortController());
      const calls = leaving.map((c) => predict({}, seeded.key, gateway, c.signal).catch((error: Error) => error.name));
      await expect.poll(inFlight).toBe(5);
      for (const c of leaving) c.abort();
      expect(await Promise.all(calls)).toEqual(Array(5).fill('AbortError'));
      await expect.poll(inFlight).toBe(0);
      // The replica answers the abandoned requests later: that must not move the count either.
      await expect.poll(() => servedBy(slow), { timeout: 5_000 }).toBe(5);
      expect(await inFlight()).toBe(0);
      // A caller who stays is counted and released as before.
      const stays = predict();
      await expect.poll(inFlight).toBe(1);
      expect((await stays).status).toBe(200);
      await expect.poll(inFlight).toBe(0);
    } finally {
      await slow.stop();
    }
  });

  describe('a deployment scaled to zero', () => {
    const asleep = () => table([{ name: 'a', weight: 100, replicas: [], desiredReplicas: 0 }]);
    const awake = () => table([{ name: 'a', weight: 100, replicas: [replicas.a1] }]);
    const held = (g: Gateway) => metric(g, `slipway_gateway_held_requests{deployment="${name}"}`);
    const outcome = (g: Gateway, o: string) => metric(g, `slipway_gateway_hold_outcomes_total{deployment="${name}",outcome="${o}"}`);
    const inFlightInRedis = async (variantId: string) => {
      const keys = await redis.keys(`${prefix}:inflight:*`);
      return (await Promise.all(keys.map((k) => redis.hget(k, variantId)))).reduce((n, c) => n + Number(c ?? 0), 0);
    };

    it('never asks to wake a deployment that has ready replicas', async () => {
      await publish(awake());
      const before = wakes.length;
      const statuses = await Promise.all(Array.from({ length: 100 }, () => predict().then(async (r) => (await r.arrayBuffer(), r.status))));
      expect(statuses.every((s) => s === 200)).toBe(true);
      // Published after the requests were answered, the marker arrives after any wake they could have caused.
      const marker = nextWake();
      await redis.publish(channels(prefix).wake, JSON.stringify({ deploymentId: 'marker', variantIds: ['marker'] }));
      await marker;
      expect(wakes.slice(before)).toEqual([{ deploymentId: 'marker', variantIds: ['marker'] }]);
      expect(await metric(gateway, `slipway_gateway_wake_requests_total{deployment="${name}"}`)).toBeUndefined();
    });

    it('holds 50 requests, asks once to wake it, and answers every one when a replica is ready', async () => {
      await publish(asleep());
      const before = wakes.length;
      const firstWake = nextWake();
      const started = performance.now();
      const answers = Array.from({ length: 50 }, () => predict().then(async (r) => ({ status: r.status, body: await r.json() })));
      expect(await firstWake).toEqual({ deploymentId: seeded.deployment.id, variantIds: [seeded.variantIds.a] });
      await expect.poll(() => held(gateway)).toBe(50);
      // Held requests count as in flight: the autoscaler scales on them.
      expect(await metric(gateway, `slipway_gateway_in_flight{variant="${seeded.variantIds.a}"}`)).toBe(50);
      await expect.poll(() => inFlightInRedis(seeded.variantIds.a), { timeout: 5_000 }).toBe(50);

      // The worker's answer: the variant waking (still held), then its replica ready.
      await publish(table([{ name: 'a', weight: 100, replicas: [], desiredReplicas: 1 }]));
      expect(await held(gateway)).toBe(50);
      await publish(awake());
      const results = await Promise.all(answers);
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(results.every((r) => r.body.outputs.label[0] === 0)).toBe(true);

      const seen = wakes.slice(before);
      expect(seen.length).toBeGreaterThanOrEqual(1);
      expect(seen.length).toBeLessThanOrEqual(1 + Math.floor((performance.now() - started) / 1_000));
      expect(new Set(seen.map((w) => JSON.stringify(w))).size).toBe(1);
      expect(await held(gateway)).toBe(0);
      expect(await metric(gateway, `slipway_gateway_hold_wait_seconds_count{deployment="${name}"}`)).toBe(50);
      expect(await outcome(gateway, 'released')).toBe(50);
      await expect.poll(() => metric(gateway, `slipway_gateway_in_flight{variant="${seeded.variantIds.a}"}`)).toBe(0);
    });

    it('wakes a sleeping primary of a 70/30 A/B and holds the requests routed to it by weight, sticky key or pin', async () => {
      // A fresh gateway: its waker has asked for nothing yet (it asks at most once a second per deployment).
      const fresh = await startGateway(gatewayOptions());
      try {
        const split = [
          { name: 'a', weight: 70 },
          { name: 'b', weight: 30 },
        ];
        await publish(
          table([
            { name: 'a', weight: 70, replicas: [], desiredReplicas: 0 },
            { name: 'b', weight: 30, replicas: [replicas.b] },
          ]),
          [gateway, fresh],
        );
        const firstWake = nextWake();
        let answered = 0;
        const answer = async (r: Response) => {
          const body = await r.json();
          answered++;
          return { status: r.status, variant: r.headers.get('x-slipway-variant'), label: body.outputs?.label?.[0] };
        };
        const keys = Array.from({ length: 20 }, (_, i) => `ab-caller-${i}`);
        const expected = keys.map((k) => pickWeighted(split, stickyUnit(k))!.name);
        const sticky = keys.map((k) => predict({ 'x-slipway-key': k }, seeded.key, fresh).then(answer));
        const pinned = Array.from({ length: 5 }, () => predict({ 'x-slipway-variant': 'a' }, seeded.key, fresh).then(answer));
        const byWeight = Array.from({ length: 20 }, () => predict({}, seeded.key, fresh).then(answer));
        expect(await firstWake).toEqual({ deploymentId: seeded.deployment.id, variantIds: [seeded.variantIds.a] });

        // The candidate answers its share at once; the primary's share waits for it, in flight for it.
        await expect.poll(async () => ((await held(fresh)) ?? 0) + answered).toBe(45);
        const heldForA = (await held(fresh))!;
        expect(heldForA).toBeGreaterThanOrEqual(expected.filter((v) => v === 'a').length + 5);
        expect(await metric(fresh, `slipway_gateway_in_flight{variant="${seeded.variantIds.a}"}`)).toBe(heldForA);

        await publish(
          table([
            { name: 'a', weight: 70, replicas: [replicas.a1] },
            { name: 'b', weight: 30, replicas: [replicas.b] },
          ]),
          [gateway, fresh],
        );
        const stickyAnswers = await Promise.all(sticky);
        expect(stickyAnswers.map((r) => r.variant)).toEqual(expected);
        expect(stickyAnswers.every((r) => r.status === 200 && r.label === 0)).toBe(true);
        expect((await Promise.all(pinned)).map((r) => [r.status, r.variant])).toEqual(Array(5).fill([200, 'a']));
        const weighted = await Promise.all(byWeight);
        expect(weighted.every((r) => r.status === 200)).toBe(true);
        expect(weighted.filter((r) => r.variant === 'a').length).toBeGreaterThan(0);
        // Each request `a` answered had waited in the hold for it.
        const answeredByA = [...stickyAnswers, ...weighted].filter((r) => r.variant === 'a').length + 5;
        expect(answeredByA).toBe(heldForA);
        expect(await outcome(fresh, 'released')).toBe(heldForA);
        expect(await held(fresh)).toBe(0);
      } finally {
        await fresh.close();
      }
    });

    it('answers a request held past SLIPWAY_HOLD_TIMEOUT_MS with 503, Retry-After and hold_timeout, in each protocol', async () => {
      const holding = await startGateway({ ...gatewayOptions(), holdTimeoutMs: 300 });
      try {
        await publish(asleep(), [gateway, holding]);
        const started = performance.now();
        const [plain, oip] = await Promise.all([
          predict({}, seeded.key, holding),
          fetch(`${holding.url}/v2/models/${name}/infer`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.key}` },
            body: JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: SETOSA.inputs.features[0] }] }),
          }),
        ]);
        expect(performance.now() - started).toBeGreaterThanOrEqual(290);
        for (const response of [plain, oip]) {
          expect(response.status).toBe(503);
          expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        }
        const message = `'${name}' did not wake up within 300 ms; retry shortly`;
        expect((await plain.json()).error).toEqual({ code: 'hold_timeout', message });
        expect(await oip.json()).toEqual({ error: message });
        expect(await held(holding)).toBe(0);
        expect(await outcome(holding, 'hold_timeout')).toBe(2);
        expect(await metric(holding, `slipway_gateway_in_flight{variant="${seeded.variantIds.a}"}`)).toBe(0);
      } finally {
        await holding.close();
      }
    });

    it('refuses requests beyond SLIPWAY_HOLD_MAX_REQUESTS at once, drops a caller that leaves, and releases the rest', async () => {
      const holding = await startGateway({ ...gatewayOptions(), holdMaxRequests: 3 });
      try {
        await publish(asleep(), [gateway, holding]);
        const leaving = new AbortController();
        const gone = predict({}, seeded.key, holding, leaving.signal).catch((error: Error) => error.name);
        const staying = [predict({}, seeded.key, holding), predict({}, seeded.key, holding)];
        await expect.poll(() => held(holding)).toBe(3);

        const overflow = await Promise.all([predict({}, seeded.key, holding), predict({}, seeded.key, holding)]);
        for (const response of overflow) {
          expect(response.status).toBe(503);
          expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          expect((await response.json()).error.code).toBe('hold_full');
        }
        expect(await held(holding)).toBe(3);

        leaving.abort();
        expect(await gone).toBe('AbortError');
        await expect.poll(() => held(holding)).toBe(2);
        staying.push(predict({}, seeded.key, holding));
        await expect.poll(() => held(holding)).toBe(3);

        await publish(awake(), [gateway, holding]);
        expect(await Promise.all(staying.map((p) => p.then(async (r) => (await r.arrayBuffer(), r.status))))).toEqual([200, 200, 200]);
        expect(await outcome(holding, 'hold_full')).toBe(2);
        expect(await outcome(holding, 'disconnected')).toBe(1);
        expect(await outcome(holding, 'released')).toBe(3);
      } finally {
        await holding.close();
      }
    });
  });
});
