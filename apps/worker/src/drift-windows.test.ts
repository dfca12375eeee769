import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { featureSketchSchema, NumericSketch } from '@slipway/core';
import { createDb, type Db } from '@slipway/db';
import { buildMlp } from '@slipway/onnx-builder';
import { createRedis } from '@slipway/queue';
import { requireTestEnv, seedDeployment, startRuntime } from '@slipway/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerContext } from './context';
import { compactDriftWindows } from './drift-windows';
import { startWorkers } from './worker';

/**
 * Requests through a real runtime replica end up as drift rows in Postgres: the replica sketches every request,
 * flushes windows as BullMQ jobs, and the worker merges them into minute rows per feature.
 */
describe('drift windows from a real runtime', () => {
  const env = requireTestEnv();
  const suffix = randomUUID().slice(0, 8);
  const prefix = `slipway-test-drift-${suffix}`;
  let db: Db;
  let redis: Redis;
  let dir: string;
  let variantId: string;
  let teamId: string;
  let workers: { close(): Promise<void> };

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 4 });
    redis = createRedis({ redisUrl: env.redisUrl, prefix });
    dir = await mkdtemp(path.join(tmpdir(), 'slipway-drift-'));
    const seeded = await seedDeployment(db, `drift-${suffix}`, ['primary'], 'stopped');
    teamId = seeded.teamId;
    variantId = seeded.variantIds.primary;
    // Only the monitoring queue gets jobs under this prefix; the other handlers are never called.
    workers = startWorkers({ db, redis, prefix } as unknown as WorkerContext);
  });

  afterAll(async () => {
    await workers?.close();
    await db?.deployment.deleteMany({ where: { teamId } });
    redis?.disconnect();
    await db?.$disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores every request’s features and outputs, merged across windows', async () => {
    const modelPath = path.join(dir, 'mlp.onnx');
    await writeFile(modelPath, buildMlp({ inputs: 4, hidden: 8, outputs: 3, seed: 1 }));
    const runtime = await startRuntime({
      modelPath,
      name: 'drift',
      env: {
        SLIPWAY_VARIANT_ID: variantId,
        SLIPWAY_DRIFT_WINDOW_MS: '200',
        SLIPWAY_PREFIX: prefix,
        SLIPWAY_FEATURE_NAMES: JSON.stringify(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']),
      },
    });
    const expected = new NumericSketch();
    let labels = 0;
    try {
      for (let i = 0; i < 40; i++) {
        const rows = [
          [5 + i / 10, 3, 1.4, 0.2],
          [6, 2.9, 4.5 + i / 20, 1.5],
        ];
        for (const row of rows) expected.add(row[0]!);
        const response = await fetch(`${runtime.address}/predict`, { method: 'POST', body: JSON.stringify({ inputs: { features: rows } }) });
        expect(response.status).toBe(200);
        labels += ((await response.json()) as { outputs: { label: number[] } }).outputs.label.length;
      }
      // What collection costs is on the replica's /metrics, beside the process's CPU it is a share of.
      const metrics = await (await fetch(`${runtime.address}/metrics`)).text();
      const driftSeconds = Number(/^slipway_runtime_drift_seconds_total\{model="drift"\} (\S+)$/m.exec(metrics)?.[1]);
      const cpuSeconds = Number(/^process_cpu_seconds_total (\S+)$/m.exec(metrics)?.[1]);
      expect(driftSeconds).toBeGreaterThan(0);
      expect(driftSeconds).toBeLessThan(cpuSeconds);
    } finally {
      // SIGTERM: the replica drains and flushes the window still open.
      await runtime.stop();
    }

    const rowsFor = () => db.driftWindow.findMany({ where: { variantId } });
    let rows = await rowsFor();
    const total = (feature: string) => rows.filter((r) => r.feature === feature).reduce((n, r) => n + r.count, 0);
    for (const deadline = Date.now() + 20_000; total('sepal_length') < 80 || total('label') < 80; ) {
      if (Date.now() > deadline) throw new Error(`rows so far: ${JSON.stringify(rows.map((r) => [r.feature, r.count]))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = await rowsFor();
    }
    expect(new Set(rows.map((r) => r.feature))).toEqual(
      new Set(['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'probabilities[0]', 'probabilities[1]', 'probabilities[2]', 'label']),
    );
    expect(total('sepal_length')).toBe(80);
    expect(total('label')).toBe(labels);
    expect(rows.find((r) => r.feature === 'label')?.role).toBe('output');
    // One row per feature per minute however many windows the replica flushed into it.
    for (const row of rows) expect(row.windowStart.getTime() % 60_000).toBe(0);
    const sepal = rows.filter((r) => r.feature === 'sepal_length').map((r) => featureSketchSchema.parse(r.sketch));
    const merged = new NumericSketch();
    for (const s of sepal) merged.merge(s as Parameters<NumericSketch['merge']>[0]);
    expect(merged.mean).toBeCloseTo(expected.mean, 4);
    expect(merged.quantile(0.5)).toBeCloseTo(expected.quantile(0.5), 4);
  });

  it('merges day-old minutes into hours, keeping recent minutes as they are', async () => {
    const hour = 60 * 60_000;
    // Real time: the rows the first test stored are recent and stay as they are.
    const now = Date.now();
    const oldHour = now - 2 * 24 * hour - ((now - 2 * 24 * hour) % hour);
    const minuteRow = (start: number, values: number[]) => {
      const sketch = new NumericSketch();
      for (const v of values) sketch.add(v);
      return {
        variantId,
        feature: 'compacted',
        role: 'input',
        windowStart: new Date(start),
        windowEnd: new Date(start + 60_000),
        count: sketch.count,
        sketch: sketch.toJSON(),
      };
    };
    await db.driftWindow.createMany({
      data: [minuteRow(oldHour, [1, 2]), minuteRow(oldHour + 60_000, [3]), minuteRow(oldHour + 59 * 60_000, [-4]), minuteRow(now - 5 * 60_000, [9])],
    });
    expect(await compactDriftWindows(db, now)).toEqual({ merged: 3, written: 1 });
    const rows = await db.driftWindow.findMany({ where: { variantId, feature: 'compacted' }, orderBy: { windowStart: 'asc' } });
    expect(rows.map((r) => [r.windowStart.getTime(), r.windowEnd.getTime() - r.windowStart.getTime(), r.count])).toEqual([
      [oldHour, hour, 4],
      [now - 5 * 60_000, 60_000, 1],
    ]);
    const merged = NumericSketch.fromJSON(featureSketchSchema.parse(rows[0]!.sketch) as Parameters<typeof NumericSketch.fromJSON>[0]);
    expect([merged.min, merged.max, merged.mean]).toEqual([-4, 3, 0.5]);
    // A second pass finds nothing left to merge.
    expect(await compactDriftWindows(db, now)).toEqual({ merged: 0, written: 0 });
  });
});
