// The cost of quality capture: one replica of the iris model behind two gateway processes, one with the quality
// features off (no ledger, no capture: the baseline) and one with them on, serving three deployments set to capture
// 0 % (predictions ledger only), 10 % and 100 % of requests. Loaded in alternating turns (the order rotates each
// turn), throughput as ratios against the baseline per turn, median; then the capture writer's buffered bytes at
// their peak and each gateway's RSS. Target (issue 24): at 10 %, throughput within 5 % of no capture.
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { at } from '@slipway/core';
import { createDb } from '@slipway/db';
import { IRIS } from '@slipway/onnx-builder';
import { channels, createRedis, type RoutedDeployment, type RoutingTable } from '@slipway/queue';
import { seedDeployment, startRuntime } from '@slipway/testkit';
import { processEnv, type PlatformEnv } from '../scripts/lib/platform';
import { load, printTable, type LoadResult } from './lib/load';
import { cpuMs, rssBytes, type Started, startListening } from './lib/processes';
import { until } from './lib/until';
import { CaptureWriter } from '../apps/gateway/src/quality/capture-writer';
import { LedgerWriter } from '../apps/gateway/src/quality/ledger-writer';
import { QualityRecorder } from '../apps/gateway/src/quality/recorder';
import { QualitySettingsCache } from '../apps/gateway/src/quality/settings';
import { FsBlobStore } from '@slipway/storage';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const TURNS = 5;
const CONNECTIONS = 16;
const GATEWAY_MAIN = fileURLToPath(new URL('../apps/gateway/src/main.ts', import.meta.url));
const IRIS_MODEL = fileURLToPath(new URL('../models/iris/iris.onnx', import.meta.url));
const SCENARIOS = ['no capture', 'capture 0 %', 'capture 10 %', 'capture 100 %'] as const;
type Scenario = (typeof SCENARIOS)[number];

const median = (values: number[]) =>
  at(
    [...values].sort((a, b) => a - b),
    Math.floor(values.length / 2),
  );

/**
 * The hook alone, in this process, on the same answers: CPU per answered request at 0, 10 and 100 % (ledger row,
 * sampling, parse, redaction, JSON line), with the real writers (flushing to Postgres and the blob store as they go).
 * Steadier than the A/B on a shared machine; compare it with the gateway's CPU per request printed after the load.
 */
async function hookCost(
  env: PlatformEnv,
  seeded: Record<Scenario, { deployment: { id: string; name: string }; variantIds: { primary: string } }>,
): Promise<void> {
  const db = createDb(env.databaseUrl, { poolSize: 2 });
  const settings = new QualitySettingsCache(db);
  await settings.load();
  const ledger = new LedgerWriter(db, { flushMs: 1_000, maxPending: 100_000 });
  const capture = new CaptureWriter(
    { db, blobs: new FsBlobStore(await mkdtemp(path.join(tmpdir(), 'slipway-bench-hook-'))) },
    { flushMs: 1_000, batchBytes: 1 << 20, maxBufferedBytes: 32 << 20 },
  );
  ledger.start();
  capture.start();
  const recorder = new QualityRecorder({ settings, ledger, capture });
  const [a, b, c, d] = IRIS[60]!;
  const body = Buffer.from(JSON.stringify({ inputs: { features: [[a, b, c, d]] } }));
  const answer = Buffer.from(JSON.stringify({ model: 'iris', version: '1', outputs: { label: [1], probabilities: [[0.02, 0.95, 0.03]] } }));
  const rows = [];
  const N = 20_000;
  for (const s of ['capture 0 %', 'capture 10 %', 'capture 100 %'] as const) {
    const deployment = { id: seeded[s].deployment.id, name: seeded[s].deployment.name, teamId: 't', variants: [] };
    const variant = { id: seeded[s].variantIds.primary, name: 'primary' };
    const one = (i: number) => recorder.answered({ requestId: `r-${s}-${i}`, deployment, variant, status: 200, latencyMs: 1, body, answer });
    for (let i = 0; i < 2_000; i++) one(-i - 1);
    const cpu = process.cpuUsage();
    for (let i = 0; i < N; i++) one(i);
    const used = process.cpuUsage(cpu);
    await Promise.all([ledger.flush(), capture.flush()]);
    rows.push({ scenario: s, 'hook CPU µs per request (inline)': ((used.user + used.system) / N).toFixed(2) });
  }
  await Promise.all([ledger.close(), capture.close()]);
  await db.$disconnect();
  console.table(rows);
}

export async function benchCapture(env: PlatformEnv): Promise<void> {
  const id = randomUUID().slice(0, 8);
  const prefix = `${env.prefix}-capture-bench-${id}`;
  const db = createDb(env.databaseUrl, { poolSize: 2 });
  const redis = createRedis({ redisUrl: env.redisUrl, prefix });
  const percents: Record<Scenario, number> = { 'no capture': 0, 'capture 0 %': 0, 'capture 10 %': 10, 'capture 100 %': 100 };
  const seeded = Object.fromEntries(
    await Promise.all(SCENARIOS.map(async (s, i) => [s, await seedDeployment(db, `capture-${i}-${id}`, ['primary'])] as const)),
  ) as Record<Scenario, Awaited<ReturnType<typeof seedDeployment<'primary'>>>>;
  for (const s of SCENARIOS) await db.qualitySettings.create({ data: { deploymentId: seeded[s].deployment.id, capturePercent: percents[s] } });
  await hookCost(env, seeded);
  const replica = await startRuntime({ modelPath: IRIS_MODEL, name: 'iris', token: randomUUID() });
  const gateways: Started[] = [];
  try {
    const routed = (s: Scenario): RoutedDeployment => ({
      id: seeded[s].deployment.id,
      name: seeded[s].deployment.name,
      teamId: seeded[s].teamId,
      variants: [
        {
          id: seeded[s].variantIds.primary,
          name: 'primary',
          versionId: seeded[s].deployment.variants[0]!.versionId,
          weight: 100,
          mirrorPercent: 0,
          replicas: [{ id: `${s}-0`, address: replica.address, framedAddress: replica.framedAddress, token: replica.token }],
          desiredReplicas: 1,
        },
      ],
    });
    const table: RoutingTable = {
      generatedAt: new Date().toISOString(),
      deployments: Object.fromEntries(SCENARIOS.map((s) => [seeded[s].deployment.name, routed(s)])),
    };
    await redis.set(channels(prefix).routingKey, JSON.stringify(table));
    const dataDir = await mkdtemp(path.join(tmpdir(), 'slipway-bench-capture-'));
    const start = (quality: 'on' | 'off') =>
      startListening([GATEWAY_MAIN], {
        ...processEnv(env, ''),
        SLIPWAY_PREFIX: prefix,
        SLIPWAY_DATA_DIR: dataDir,
        PORT: '0',
        SLIPWAY_DEFAULT_RATE_LIMIT: '1000000000',
        SLIPWAY_QUALITY: quality,
      });
    const off = await start('off');
    const on = await start('on');
    gateways.push(off, on);
    const gatewayOf = (s: Scenario) => (s === 'no capture' ? off : on);
    const target = (s: Scenario) => ({
      url: `${gatewayOf(s).url}/models/${seeded[s].deployment.name}/predict`,
      headers: { authorization: `Bearer ${seeded[s].key}` },
    });
    const [a, b, c, d] = IRIS[60]!;
    const body = JSON.stringify({ inputs: { features: [[a, b, c, d]] } });
    for (const s of SCENARIOS) {
      const { url, headers } = target(s);
      await until(`the gateway to route '${s}'`, async () => ((await fetch(url, { method: 'POST', headers, body })).ok ? true : undefined));
      await load('warm-up', { url, body, headers, connections: CONNECTIONS, seconds: 2 });
    }

    const cpuBefore = { off: await cpuMs(off.pid), on: await cpuMs(on.pid) };
    const results: LoadResult[] = [];
    const ratios: Record<Scenario, number[]> = { 'no capture': [], 'capture 0 %': [], 'capture 10 %': [], 'capture 100 %': [] };
    for (let turn = 0; turn < TURNS; turn++) {
      const order = SCENARIOS.map((_, i) => SCENARIOS[(i + turn) % SCENARIOS.length]!);
      const byScenario = new Map<Scenario, LoadResult>();
      for (const s of order) {
        const result = await load(`${s} (turn ${turn + 1})`, { ...target(s), body, connections: CONNECTIONS, seconds: SECONDS });
        byScenario.set(s, result);
        results.push(result);
      }
      const baseline = byScenario.get('no capture')!.throughput;
      for (const s of SCENARIOS) ratios[s].push(byScenario.get(s)!.throughput / baseline);
    }
    const served = (pick: (s: Scenario) => boolean) =>
      results.filter((r) => SCENARIOS.some((s) => pick(s) && r.label.startsWith(`${s} (`))).reduce((n, r) => n + r.requests, 0);
    const offUs =
      (((await cpuMs(off.pid)) - cpuBefore.off) * 1000) /
      Math.max(
        1,
        served((s) => s === 'no capture'),
      );
    const onUs =
      (((await cpuMs(on.pid)) - cpuBefore.on) * 1000) /
      Math.max(
        1,
        served((s) => s !== 'no capture'),
      );
    console.log(
      `gateway CPU per request: quality off ${offUs.toFixed(0)} µs, quality on (0/10/100 % mixed) ${onUs.toFixed(0)} µs (ratio ${(onUs / offUs).toFixed(3)})`,
    );
    printTable(`iris, 1 row per request, ${CONNECTIONS} connections, ${SECONDS} s per run`, results);

    const metrics = await (await fetch(`${on.url}/metrics`, { headers: { authorization: `Bearer ${env.internalToken}` } })).text();
    const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
    const written = Number(/^slipway_gateway_captures_total\{outcome="written"\} (\S+)$/m.exec(metrics)?.[1]);
    const dropped = Number(/^slipway_gateway_captures_total\{outcome="dropped"\} (\S+)$/m.exec(metrics)?.[1]);
    const ledger = Number(/^slipway_gateway_ledger_rows_total\{outcome="written"\} (\S+)$/m.exec(metrics)?.[1]);
    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    console.table(
      SCENARIOS.map((s) => ({
        scenario: s,
        'throughput vs no capture (median)': median(ratios[s]).toFixed(3),
        'per turn': ratios[s].map((r) => r.toFixed(3)).join(' '),
      })),
    );
    console.log(
      `capture writer: peak buffered ${mib(metric('slipway_gateway_capture_buffered_bytes_peak'))} (bound 32 MiB), ${written} captures written, ${dropped} dropped; ${ledger} ledger rows written`,
    );
    console.log(`gateway RSS: quality off ${mib(await rssBytes(off.pid))}, quality on ${mib(await rssBytes(on.pid))}`);
    console.log(`→ target: capture 10 % costs ≤ 5 % throughput: measured ${((1 - median(ratios['capture 10 %'])) * 100).toFixed(1)} %`);
  } finally {
    for (const g of gateways) g.stop();
    await replica.stop();
    redis.disconnect();
    await db.$disconnect();
  }
}
