import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CaptureRecord, hourOf, requestIdTime } from '@slipway/core';
import { createDb, type Db, loadQualityReport, pruneQuality } from '@slipway/db';
import { IRIS } from '@slipway/onnx-builder';
import { channels, createRedis, type RoutingTable } from '@slipway/queue';
import { FsBlobStore, readJsonLines } from '@slipway/storage';
import { requireTestEnv, type RunningRuntime, seedDeployment, startRuntime } from '@slipway/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Gateway, startGateway } from '../server';

const IRIS_MODEL = fileURLToPath(new URL('../../../../models/iris/iris.onnx', import.meta.url));

describe('quality: capture, ledger and feedback through the gateway', () => {
  const env = requireTestEnv();
  const prefix = `slipway-test-q-${randomUUID().slice(0, 8)}`;
  const name = `q-${randomUUID().slice(0, 8)}`;
  const scratch = mkdtempSync(path.join(tmpdir(), 'slipway-quality-'));
  const blobs = new FsBlobStore(path.join(scratch, 'blobs'));
  let db: Db;
  let redis: Redis;
  let gateway: Gateway;
  let replica: RunningRuntime;
  let seeded: Awaited<ReturnType<typeof seedDeployment<'a'>>>;

  const predict = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}/models/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.key}`, ...headers },
      body: JSON.stringify(body),
    });
  const feedback = (body: unknown, key = seeded.key) =>
    fetch(`${gateway.url}/models/${name}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 4 });
    redis = createRedis({ redisUrl: env.redisUrl, prefix });
    seeded = await seedDeployment(db, name, ['a'] as const);
    await db.qualitySettings.create({ data: { deploymentId: seeded.deployment.id, capturePercent: 100, redactFields: ['email'], captureRetentionDays: 2 } });
    replica = await startRuntime({ modelPath: IRIS_MODEL, name, token: `token-${randomUUID()}` });
    gateway = await startGateway({
      db,
      redis,
      prefix,
      port: 0,
      host: '127.0.0.1',
      rollupIntervalMs: 60_000,
      maxBodyBytes: 4 * 1024 * 1024,
      defaultRateLimit: 100_000,
      holdMaxRequests: 10,
      holdTimeoutMs: 5_000,
      blobs,
      quality: { ledgerFlushMs: 100, captureFlushMs: 100 },
    });
    const versionId = seeded.deployment.variants[0]!.versionId;
    const table: RoutingTable = {
      generatedAt: new Date().toISOString(),
      deployments: {
        [name]: {
          id: seeded.deployment.id,
          name,
          teamId: seeded.teamId,
          variants: [
            {
              id: seeded.variantIds.a,
              name: 'a',
              versionId,
              weight: 100,
              role: 'primary',
              mirrorPercent: 0,
              replicas: [{ id: 'a-0', address: replica.address, token: replica.token, ...(replica.framedAddress && { framedAddress: replica.framedAddress }) }],
              desiredReplicas: 1,
            },
          ],
        },
      },
    };
    await redis.publish(channels(prefix).routingChanged, JSON.stringify(table));
    await vi.waitFor(() => expect(gateway.routing.deployment(name)).toBeDefined());
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await replica?.stop();
    redis?.disconnect();
    await db?.$disconnect();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('captures what was sent and answered, with redacted fields removed, and prunes hours past retention', async () => {
    const sent = IRIS.slice(0, 25).map(([a, b, c, d], i) => ({
      inputs: { features: [[a, b, c, d]] },
      context: { customer: `c${i}`, email: `c${i}@example.com` },
    }));
    const answers: { id: string; body: unknown }[] = [];
    for (const body of sent) {
      const response = await predict(body);
      expect(response.status).toBe(200);
      answers.push({ id: response.headers.get('x-request-id')!, body: await response.json() });
    }
    expect(requestIdTime(answers[0]!.id)).not.toBeNull();
    await gateway.quality.capture!.flush();
    const batches = await db.captureBatch.findMany({ where: { deploymentId: seeded.deployment.id }, orderBy: { firstAt: 'asc' } });
    const records: CaptureRecord[] = [];
    for await (const r of readJsonLines(
      blobs,
      batches.map((b) => b.digest),
    ))
      records.push(r as CaptureRecord);
    expect(records.map((r) => r.requestId)).toEqual(answers.map((a) => a.id));
    expect(records.map((r) => r.request)).toEqual(sent.map((s) => ({ inputs: s.inputs, context: { customer: s.context.customer } })));
    expect(records.map((r) => r.answer)).toEqual(answers.map((a) => a.body));
    expect(records[0]).toMatchObject({ deployment: name, variant: 'a', versionId: seeded.deployment.variants[0]!.versionId, status: 200 });
    expect(records.every((r) => r.latencyMs > 0)).toBe(true);

    // Pretend three days passed: the batches' hour is past the 2-day retention, so rows and files go.
    const pruned = await pruneQuality({ db, deleteBlob: (digest) => blobs.delete(digest) }, hourOf(Date.now()) + 3 * 24 * 3_600_000);
    expect(pruned.captureBatches).toBeGreaterThanOrEqual(batches.length);
    expect(await db.captureBatch.count({ where: { deploymentId: seeded.deployment.id } })).toBe(0);
    for (const b of batches) expect(await blobs.has(b.digest)).toBe(false);
  });

  it('joins 1,000 labels to the ledger and reports the accuracy computed offline from the same labels', async () => {
    await db.qualitySettings.update({ where: { deploymentId: seeded.deployment.id }, data: { capturePercent: 0 } });
    await gateway.quality.settings.load();
    const since = new Date();
    const asked = Array.from({ length: 1_000 }, (_, i) => IRIS[(i * 37) % IRIS.length]!);
    const labelled: { requestId: string; label: number; predicted: number }[] = [];
    for (let i = 0; i < asked.length; i += 50) {
      const batch = await Promise.all(
        asked.slice(i, i + 50).map(async ([a, b, c, d, truth]) => {
          const response = await predict({ inputs: { features: [[a, b, c, d]] } });
          const body = (await response.json()) as { outputs: { label: number[] } };
          return { requestId: response.headers.get('x-request-id')!, label: truth, predicted: body.outputs.label[0]! };
        }),
      );
      labelled.push(...batch);
    }
    const offline = labelled.filter((l) => l.label === l.predicted).length / labelled.length;

    const items = labelled.map(({ requestId, label }) => ({ requestId, label }));
    const first = await feedback({ items });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: 1_000, joined: 1_000, unknown: 0, expired: 0 });
    // Idempotent: the same batch again joins the same and changes nothing.
    expect(await (await feedback({ items })).json()).toEqual({ received: 1_000, joined: 1_000, unknown: 0, expired: 0 });
    const expiredId = '00000000-0001-7000-8000-000000000000';
    expect(
      await (
        await feedback({
          items: [
            { requestId: 'never-seen', label: 1 },
            { requestId: expiredId, label: 1 },
          ],
        })
      ).json(),
    ).toEqual({
      received: 2,
      joined: 0,
      unknown: 1,
      expired: 1,
    });

    const [quality] = await loadQualityReport(db, seeded.deployment.id, { from: since, to: new Date(Date.now() + 1_000), bucketMs: 60_000 });
    expect(quality!.labelled).toBe(1_000);
    expect(quality!.classification!.accuracy).toBe(offline);
    expect(quality!.coverage).toBe(1);
    expect(quality!.estimate.estimate).not.toBeNull();
  });

  it('refuses feedback that is malformed, too large a batch, or without a key that may call the deployment', async () => {
    expect((await feedback({ requestId: 'x' })).status).toBe(400);
    const tooMany = Array.from({ length: 10_001 }, (_, i) => ({ requestId: `r${i}`, label: 1 }));
    expect((await feedback({ items: tooMany })).status).toBe(400);
    expect((await feedback({ requestId: 'x', label: 1 }, 'sk_wrong')).status).toBe(401);
    const other = await seedDeployment(db, `${name}-other`, ['a'] as const);
    const forbidden = await feedback({ requestId: 'x', label: 1 }, other.key);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: 'forbidden' } });
  });
});
