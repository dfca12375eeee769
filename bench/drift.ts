// The cost of drift collection: two replicas of the same model in the same run, one collecting (sketching every
// request, flushing windows to Redis as jobs) and one not, loaded in alternating turns, called directly and through a
// gateway; with each replica's CPU per request, and the collecting replica's own count of the time collection took,
// from their /metrics. Then the sketch insert itself (table lookup against the
// library's logarithm) and the collector's heap over 10× the requests. Target: collection costs at most 5 %.
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { at, NumericSketch } from '@slipway/core';
import { createDb } from '@slipway/db';
import { buildMlp } from '@slipway/onnx-builder';
import { channels, createRedis, type RoutedDeployment, type RoutingTable } from '@slipway/queue';
import { seedDeployment, startRuntime, type RunningRuntime } from '@slipway/testkit';
import { DriftCollector } from '../apps/runtime/src/drift-collector';
import { processEnv, type PlatformEnv } from '../scripts/lib/platform';
import { load, printTable, type LoadResult } from './lib/load';
import { cpuMs, type Started, startListening } from './lib/processes';
import { until } from './lib/until';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const TURNS = 5;
const INPUTS = 16;
const GATEWAY_MAIN = fileURLToPath(new URL('../apps/gateway/src/main.ts', import.meta.url));

function rows(n: number): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from({ length: INPUTS }, (_, c) => Math.sin(r * 31 + c) * 10));
}

const median = (values: number[]) =>
  at(
    [...values].sort((a, b) => a - b),
    Math.floor(values.length / 2),
  );

interface Side {
  label: 'without collector' | 'with collector';
  runtime: RunningRuntime;
  /** Where the load goes: the replica itself or the gateway route to its deployment. */
  url: string;
  headers: Record<string, string>;
  /** The gateway process in front, when the load goes through one: its CPU is part of every request's. */
  gatewayPid?: number;
}

type Measured = LoadResult & { replicaCpuUs: number; driftShare: number | undefined };

/** The replica's process CPU and time spent on drift collection, both from its /metrics (seconds). */
async function replicaCounters(runtime: RunningRuntime): Promise<{ cpu: number; drift: number | undefined }> {
  const text = await (await fetch(`${runtime.address}/metrics`, { headers: runtime.headers })).text();
  const drift = /^slipway_runtime_drift_seconds_total\{[^}]*\} (\S+)$/m.exec(text)?.[1];
  return { cpu: Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)?.[1]), drift: drift === undefined ? undefined : Number(drift) };
}

async function measure(label: string, side: Side, body: string): Promise<Measured> {
  const gatewayCpu = async () => (side.gatewayPid === undefined ? 0 : (await cpuMs(side.gatewayPid)) / 1000);
  const [before, gatewayBefore] = [await replicaCounters(side.runtime), await gatewayCpu()];
  const result = await load(label, { url: side.url, body, headers: side.headers, connections: 8, seconds: SECONDS });
  const [after, gatewayAfter] = [await replicaCounters(side.runtime), await gatewayCpu()];
  const replicaCpu = after.cpu - before.cpu;
  return {
    ...result,
    replicaCpuUs: (replicaCpu * 1e6) / Math.max(result.requests, 1),
    // Of the serving path's CPU: the replica's, and the gateway's when the load went through it.
    driftShare:
      after.drift === undefined || before.drift === undefined ? undefined : (after.drift - before.drift) / (replicaCpu + gatewayAfter - gatewayBefore),
  };
}

/**
 * Alternating turns (without, with), so a slower moment of a shared machine hits both alike; ratios per turn, median.
 * Each side is warmed first: the JIT settles, and the collecting replica finishes loading its Redis client. The
 * collecting replica also reports the time it spent collecting: its share of the serving CPU (replica, and gateway
 * when in front) is read over one interval, so it holds steady where the A/B ratios swing with the machine.
 */
async function compare(title: string, sides: [Side, Side], body: string): Promise<void> {
  for (const side of sides) await load('warm-up', { url: side.url, body, headers: side.headers, connections: 8, seconds: 2 });
  const results: Measured[] = [];
  const throughput: number[] = [];
  const cpu: number[] = [];
  const share: number[] = [];
  for (let turn = 1; turn <= TURNS; turn++) {
    // Which side goes first alternates too (ABBA), so whatever favours a turn's first or second run cancels out.
    const run = (side: Side) => measure(`${side.label} (turn ${turn})`, side, body);
    let without: Measured;
    let withCollector: Measured;
    if (turn % 2 === 1) {
      without = await run(sides[0]);
      withCollector = await run(sides[1]);
    } else {
      withCollector = await run(sides[1]);
      without = await run(sides[0]);
    }
    results.push(without, withCollector);
    throughput.push(withCollector.throughput / without.throughput);
    cpu.push(withCollector.replicaCpuUs / without.replicaCpuUs);
    share.push(withCollector.driftShare ?? NaN);
  }
  printTable(title, results);
  console.log(`replica CPU µs/request: ${results.map((r) => `${r.label} ${r.replicaCpuUs.toFixed(0)}`).join(', ')}`);
  const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
  const t = median(throughput);
  const c = median(cpu);
  console.log(
    `→ ${title}, median of ${TURNS} turns: collection's share of the serving CPU ${percent(median(share))} (per turn: ${share.map(percent).join(', ')}); A/B with collector / without: throughput ${t.toFixed(3)} (cost ${percent(1 - t)}), replica CPU per request ${c.toFixed(3)} (cost ${percent(c - 1)}); target ≤ 5 %`,
  );
}

async function throughputCost(env: PlatformEnv): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-bench-drift-'));
  const modelPath = path.join(dir, 'mlp.onnx');
  await writeFile(modelPath, buildMlp({ inputs: INPUTS, hidden: 64, outputs: 4, seed: 1 }));
  const id = randomUUID().slice(0, 8);
  const prefix = `${env.prefix}-drift-bench-${id}`;
  const db = createDb(env.databaseUrl, { poolSize: 2 });
  const redis = createRedis({ redisUrl: env.redisUrl, prefix });
  const [on, off] = [await seedDeployment(db, `drift-on-${id}`, ['primary']), await seedDeployment(db, `drift-off-${id}`, ['primary'])];
  // No worker runs here: the collecting replica's windows wait in Redis as jobs (the replica pays for them all the same).
  const collecting = await startRuntime({
    modelPath,
    name: 'bench',
    token: randomUUID(),
    env: { SLIPWAY_VARIANT_ID: on.variantIds.primary, SLIPWAY_DRIFT_WINDOW_MS: '1000', REDIS_URL: env.redisUrl, SLIPWAY_PREFIX: prefix },
  });
  const plain = await startRuntime({ modelPath, name: 'bench', token: randomUUID(), env: { SLIPWAY_DRIFT_WINDOW_MS: '0' } });
  let gateway: Started | undefined;
  try {
    const routed = (seeded: typeof on, runtime: RunningRuntime): RoutedDeployment => ({
      id: seeded.deployment.id,
      name: seeded.deployment.name,
      teamId: seeded.teamId,
      variants: [
        {
          id: seeded.variantIds.primary,
          name: 'primary',
          weight: 100,
          mirrorPercent: 0,
          replicas: [{ id: `${seeded.deployment.name}-0`, address: runtime.address, framedAddress: runtime.framedAddress, token: runtime.token }],
          desiredReplicas: 1,
        },
      ],
    });
    const table: RoutingTable = {
      generatedAt: new Date().toISOString(),
      deployments: { [on.deployment.name]: routed(on, collecting), [off.deployment.name]: routed(off, plain) },
    };
    // A gateway process of its own (its CPU counted apart), reading the routing table the worker would have stored.
    await redis.set(channels(prefix).routingKey, JSON.stringify(table));
    gateway = await startListening([GATEWAY_MAIN], {
      ...processEnv(env, ''),
      SLIPWAY_PREFIX: prefix,
      PORT: '0',
      SLIPWAY_DEFAULT_RATE_LIMIT: '1000000000',
    });
    const { url: gatewayUrl, pid: gatewayPid } = gateway;
    const routedSide = (label: Side['label'], runtime: RunningRuntime, seeded: typeof on): Side => ({
      label,
      runtime,
      url: `${gatewayUrl}/models/${seeded.deployment.name}/predict`,
      headers: { authorization: `Bearer ${seeded.key}` },
      gatewayPid,
    });
    for (const side of [routedSide('without collector', plain, off), routedSide('with collector', collecting, on)]) {
      await until('the gateway to route both deployments', async () =>
        (await fetch(side.url, { method: 'POST', headers: side.headers, body: JSON.stringify({ inputs: { features: rows(1) } }) })).ok ? true : undefined,
      );
    }
    const direct = (label: Side['label'], runtime: RunningRuntime): Side => ({ label, runtime, url: `${runtime.address}/predict`, headers: runtime.headers });
    for (const batch of [1, 32]) {
      const body = JSON.stringify({ inputs: { features: rows(batch) } });
      const what = `${batch} row(s) of ${INPUTS} features per request`;
      await compare(`through the gateway, ${what}`, [routedSide('without collector', plain, off), routedSide('with collector', collecting, on)], body);
      await compare(`replica called directly, ${what}`, [direct('without collector', plain), direct('with collector', collecting)], body);
    }
  } finally {
    gateway?.stop();
    await Promise.all([collecting.stop(), plain.stop()]);
    // The windows no worker consumed.
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await db.$disconnect();
  }
}

/** Nanoseconds per value of sketching one float32 column: by the key table and by the library's insert (a logarithm). */
function insertCost(): void {
  const values = Float32Array.from({ length: 1 << 20 }, (_, i) => Math.sin(i * 31 + 7) * 10 * (1 + (i % 5)));
  const bits = new Uint32Array(values.buffer);
  const time = (sketchOnce: (sketch: NumericSketch) => void) => {
    for (let i = 0; i < 3; i++) sketchOnce(new NumericSketch());
    const started = performance.now();
    for (let i = 0; i < 10; i++) sketchOnce(new NumericSketch());
    return ((performance.now() - started) * 1e6) / (10 * values.length);
  };
  const table = time((s) => s.addFloat32Column(values, bits, 0, 1));
  const logarithm = time((s) => s.addColumn(values, 0, 1));
  console.log(
    `\nSketching a float32 value: ${table.toFixed(1)} ns by key table, ${logarithm.toFixed(1)} ns by the library's insert (logarithm), ×${(logarithm / table).toFixed(1)}`,
  );
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Heap held by one collector window after n requests of 8 rows with varied values: it should not grow with n. */
function collectorHeap(): void {
  const signature = {
    inputs: [{ name: 'features', dtype: 'float32' as const, shape: [null, INPUTS] }],
    outputs: [{ name: 'label', dtype: 'int64' as const, shape: [null] }],
  };
  const measure = (requests: number) => {
    const collector = new DriftCollector({ signature, windowMs: 60_000, sink: async () => undefined });
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const features = new Float32Array(8 * INPUTS);
    const label = new BigInt64Array(8);
    for (let i = 0; i < requests; i++) {
      for (let j = 0; j < features.length; j++) features[j] = Math.sin(i * 7.1 + j) * 10 ** ((i + j) % 6);
      label[i % 8] = BigInt(i % 3);
      collector.observe({ features: { dtype: 'float32', shape: [8, INPUTS], data: features } }, { label: { dtype: 'int64', shape: [8], data: label } });
    }
    collectGarbage();
    const held = process.memoryUsage().heapUsed - before;
    // Closing the window after measuring keeps the collector (and its sketches) alive through the measurement.
    void collector.flush();
    return { requests, heldKb: Math.max(held, 0) / 1024 };
  };
  const small = measure(20_000);
  const large = measure(200_000);
  console.log(
    `\nCollector heap for one window: ${small.heldKb.toFixed(0)} KB after ${small.requests.toLocaleString('en')} requests, ${large.heldKb.toFixed(0)} KB after ${large.requests.toLocaleString('en')} (×${(large.heldKb / Math.max(small.heldKb, 1)).toFixed(2)} for 10× the requests)`,
  );
}

export async function benchDrift(env: PlatformEnv): Promise<void> {
  await throughputCost(env);
  insertCost();
  collectorHeap();
}
