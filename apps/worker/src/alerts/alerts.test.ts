import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_MACHINE_CATALOG, LATENCY_BUCKET_COUNT } from '@slipway/core';
import { createDb, type Db } from '@slipway/db';
import { createRedis, JobProducer } from '@slipway/queue';
import { requireTestEnv } from '@slipway/testkit';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerContext } from '../context';
import { startWorkers } from '../worker';
import { evaluateAlerts } from './evaluate-alerts';

/**
 * An error-rate rule over real rollup rows in Postgres: it fires once, stays quiet while firing and while cooling
 * down, resolves, and its webhook (a real local HTTP server that fails the first attempt) gets the Slack-shaped
 * body through BullMQ's retry.
 */
describe('alert evaluation and webhook delivery', () => {
  const env = requireTestEnv();
  const suffix = randomUUID().slice(0, 8);
  const prefix = `slipway-test-alerts-${suffix}`;
  let db: Db;
  let redis: Redis;
  let producer: JobProducer;
  let workers: { close(): Promise<void> };
  let events: QueueEvents;
  let server: Server;
  let teamId: string;
  let deploymentId: string;
  let variantId: string;
  const received: unknown[] = [];
  let answered = 0;

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 4 });
    redis = createRedis({ redisUrl: env.redisUrl, prefix });
    producer = new JobProducer(redis, { redisUrl: env.redisUrl, prefix });
    for (const machine of DEFAULT_MACHINE_CATALOG) await db.machineType.upsert({ where: { name: machine.name }, update: {}, create: machine });
    const machineType = await db.machineType.findFirstOrThrow();
    teamId = (await db.team.create({ data: { name: `alerts-${suffix}` } })).id;
    const user = await db.user.create({ data: { email: `alerts-${suffix}@example.com`, name: 'alerts', passwordHash: 'x' } });
    const model = await db.model.create({ data: { name: `alerts-${suffix}`, teamId } });
    const version = await db.modelVersion.create({
      data: { modelId: model.id, label: 1, digest: suffix, sizeBytes: 1, format: 'onnx', filename: 'model.onnx', status: 'ready', uploadedById: user.id },
    });
    deploymentId = (await db.deployment.create({ data: { name: `alerts-${suffix}`, modelId: model.id, teamId, status: 'ready' } })).id;
    variantId = (
      await db.variant.create({
        data: { deploymentId, name: 'primary', templateKey: `primary/${version.id}`, versionId: version.id, machineTypeId: machineType.id, replicas: 1 },
      })
    ).id;
    // The webhook: the first delivery fails with a 503, later ones are accepted.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        answered++;
        if (answered === 1) return void res.writeHead(503).end('busy');
        received.push(JSON.parse(body));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    events = new QueueEvents('alerts', { connection: redis.duplicate(), prefix });
    await events.waitUntilReady();
    // Only the alerts queue gets jobs under this prefix; the other handlers are never called.
    workers = startWorkers({ db, redis, prefix, producer } as unknown as WorkerContext);
  });

  afterAll(async () => {
    await workers?.close();
    await events?.close();
    await producer?.close();
    await db?.deployment.deleteMany({ where: { teamId } });
    server?.close();
    redis?.disconnect();
    await db?.$disconnect();
  });

  async function setTraffic(requests: number, errors: number, at: number): Promise<void> {
    await db.latencyRollup.deleteMany({ where: { variantId } });
    const buckets = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => (i === 3 ? requests : 0));
    await db.latencyRollup.create({
      data: { variantId, windowStart: new Date(at - 15_000), windowEnd: new Date(at - 5_000), count: requests, errors, buckets, sumMs: requests * 4 },
    });
  }

  it('fires once, respects the cooldown, resolves, and delivers the webhook after a retry', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const rule = await db.alertRule.create({
      data: { deploymentId, kind: 'error_rate', threshold: 0.1, windowSeconds: 60, cooldownSeconds: 600, webhookUrl: url },
    });
    const start = Date.now();
    const deps = (now: number) => ({ db, producer, clock: () => now, driftingFeatures: async () => [] });

    await setTraffic(100, 30, start);
    const delivered = new Promise<string>((resolve) => events.on('completed', ({ jobId }) => resolve(jobId)));
    expect(await evaluateAlerts(deps(start))).toEqual({ fired: 1, resolved: 0 });
    // Still breaching: already firing, so nothing new.
    expect(await evaluateAlerts(deps(start + 15_000))).toEqual({ fired: 0, resolved: 0 });

    const [fired] = await db.alertEvent.findMany({ where: { ruleId: rule.id } });
    expect(fired).toMatchObject({ state: 'fired', kind: 'error_rate', value: 0.3, threshold: 0.1 });
    expect(await delivered).toBe(`alert-${fired!.id}`);
    expect(answered).toBe(2);
    expect(received).toEqual([
      {
        text: `:rotating_light: [alerts-${suffix}] error_rate alert fired: error rate 30.0% (30 of 100) over the last 60 s is above 10.0%`,
        alert: {
          deployment: `alerts-${suffix}`,
          ruleId: rule.id,
          kind: 'error_rate',
          state: 'fired',
          value: 0.3,
          threshold: 0.1,
          message: 'error rate 30.0% (30 of 100) over the last 60 s is above 10.0%',
          at: new Date(start).toISOString(),
        },
      },
    ]);
    // The history shows the failed first attempt and the delivery.
    expect(await db.alertEvent.findUniqueOrThrow({ where: { id: fired!.id } })).toMatchObject({
      delivery: 'delivered',
      deliveryAttempts: 2,
      deliveryError: 'the webhook answered HTTP 503 Service Unavailable',
    });

    const later = start + 30_000;
    await setTraffic(100, 2, later);
    const resolvedDelivery = new Promise<string>((resolve) => events.on('completed', ({ jobId }) => resolve(jobId)));
    expect(await evaluateAlerts(deps(later))).toEqual({ fired: 0, resolved: 1 });
    await resolvedDelivery;
    expect((received[1] as { text: string }).text).toBe(
      `:white_check_mark: [alerts-${suffix}] error_rate alert resolved: error rate back to 2.0% over the last 60 s`,
    );

    // Breaching again within the cooldown (600 s after firing): no new event; after it, a new one.
    const again = start + 60_000;
    await setTraffic(50, 25, again);
    expect(await evaluateAlerts(deps(again))).toEqual({ fired: 0, resolved: 0 });
    const afterCooldown = start + 601_000;
    await setTraffic(50, 25, afterCooldown);
    expect(await evaluateAlerts(deps(afterCooldown))).toEqual({ fired: 1, resolved: 0 });

    const history = await db.alertEvent.findMany({ where: { ruleId: rule.id }, orderBy: { at: 'asc' } });
    expect(history.map((e) => [e.state, e.value])).toEqual([
      ['fired', 0.3],
      ['resolved', 0.02],
      ['fired', 0.5],
    ]);
  });
});
