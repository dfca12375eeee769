// Graph deployments executed in the gateway: a 3-step sequence of tiny models against calling each step
// directly through the same gateway (OIP JSON), at 1 and 16 connections; and a 2-model ensemble against
// its slower member. Real runtimes (onnxruntime, framed transport), a real gateway, one run: the ratios
// printed at the end are against baselines measured in this same run.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type GraphSpecInput, graphSpecSchema } from '@slipway/core';
import { createDb } from '@slipway/db';
import { buildScaler } from '@slipway/onnx-builder';
import { channels, createRedis, type RoutingTable } from '@slipway/queue';
import { type RunningRuntime, seedDeployment, startRuntime } from '@slipway/testkit';
import { startGateway } from '../apps/gateway/src/server';
import type { PlatformEnv } from '../scripts/lib/platform';
import { type LoadResult, load, printTable } from './lib/load';
import { until } from './lib/until';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const STEPS = ['step-a', 'step-b', 'step-c'] as const;
const ROW = [5.1, 3.5, 1.4, 0.2];
const oipBody = (input: string) => JSON.stringify({ inputs: [{ name: input, datatype: 'FP32', shape: [1, 4], data: ROW }] });

const SEQUENCE: GraphSpecInput = {
  inputs: [{ name: 'x', dtype: 'float32', shape: [null, 4] }],
  steps: [
    { kind: 'model', name: 'a', deployment: 'step-a', inputs: { x: 'inputs.x' } },
    { kind: 'model', name: 'b', deployment: 'step-b', inputs: { x: 'a.scaled' } },
    { kind: 'model', name: 'c', deployment: 'step-c', inputs: { x: 'b.scaled' } },
  ],
  traceSampleRate: 0.01,
};
const ENSEMBLE: GraphSpecInput = {
  inputs: [{ name: 'x', dtype: 'float32', shape: [null, 4] }],
  steps: [
    {
      kind: 'ensemble',
      name: 'both',
      members: [
        { name: 'a', deployment: 'step-a', inputs: { x: 'inputs.x' } },
        { name: 'b', deployment: 'step-b', inputs: { x: 'inputs.x' } },
      ],
      aggregate: { method: 'mean', tensor: 'scaled' },
    },
  ],
  traceSampleRate: 0.01,
};

export async function benchGraph(env: PlatformEnv): Promise<void> {
  const db = createDb(env.databaseUrl, { poolSize: 2 });
  const prefix = `${env.prefix}-graph-${randomUUID().slice(0, 8)}`;
  const redis = createRedis({ redisUrl: env.redisUrl, prefix });
  const scratch = await mkdtemp(path.join(tmpdir(), 'slipway-bench-graph-'));
  const model = path.join(scratch, 'scaler.onnx');
  await writeFile(model, buildScaler({ mean: [0, 0, 0, 0], scale: [1, 1, 1, 1] }));
  const runtimes: RunningRuntime[] = [];
  const seeded = await seedDeployment(db, `bench-graph-${randomUUID().slice(0, 8)}`, ['a']);
  const gateway = await startGateway({
    db,
    redis,
    prefix,
    port: 0,
    host: '127.0.0.1',
    rollupIntervalMs: 60_000,
    maxBodyBytes: 1024 * 1024,
    defaultRateLimit: 10_000_000,
    holdMaxRequests: 100,
    holdTimeoutMs: 10_000,
    traceSink: async (traces) => traces.length,
  });
  try {
    runtimes.push(...(await Promise.all(STEPS.map((name) => startRuntime({ modelPath: model, name, token: `t-${randomUUID()}` })))));
    await publish(redis, prefix, seeded.teamId, runtimes);
    await until('graphs in the gateway', async () => (gateway.routing.graph('ensemble') ? true : undefined), 10_000);
    const headers = { authorization: `Bearer ${seeded.key}` };
    const run = (label: string, url: string, body: string, connections: number) => load(label, { url, body, connections, seconds: SECONDS, headers });
    const rows: LoadResult[] = [];
    for (const connections of [1, 16]) {
      for (const step of STEPS) rows.push(await run(`${step} directly`, `${gateway.url}/v2/models/${step}/infer`, oipBody('x'), connections));
      rows.push(await run('3-step sequence', `${gateway.url}/v2/models/sequence/infer`, oipBody('x'), connections));
      rows.push(await run('2-model ensemble (mean)', `${gateway.url}/v2/models/ensemble/infer`, oipBody('x'), connections));
    }
    printTable(`Graphs vs their steps called directly through the same gateway (OIP JSON, ${SECONDS} s each)`, rows);
    printGoals(rows);
  } finally {
    await gateway.close();
    await Promise.all(runtimes.map((r) => r.stop()));
    redis.disconnect();
    await db.$disconnect();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function publish(redis: ReturnType<typeof createRedis>, prefix: string, teamId: string, runtimes: RunningRuntime[]): Promise<void> {
  const deployments: RoutingTable['deployments'] = {};
  for (const [i, name] of STEPS.entries()) {
    const r = runtimes[i]!;
    deployments[name] = {
      id: randomUUID(),
      name,
      teamId,
      variants: [
        {
          id: randomUUID(),
          name: 'v1',
          weight: 100,
          mirrorPercent: 0,
          replicas: [{ id: `${name}-0`, address: r.address, ...(r.framedAddress && { framedAddress: r.framedAddress }), token: r.token }],
          desiredReplicas: 1,
        },
      ],
    };
  }
  const graph = (name: string, spec: GraphSpecInput) => ({ id: randomUUID(), name, teamId, revision: 1, spec: graphSpecSchema.parse(spec) });
  const table: RoutingTable = {
    generatedAt: new Date().toISOString(),
    deployments,
    graphs: { sequence: graph('sequence', SEQUENCE), ensemble: graph('ensemble', ENSEMBLE) },
  };
  await redis.publish(channels(prefix).routingChanged, JSON.stringify(table));
}

function printGoals(rows: LoadResult[]): void {
  const find = (label: string, connections: number) => rows.find((r) => r.label === label && r.connections === connections)!;
  const steps = (connections: number) => STEPS.map((s) => find(`${s} directly`, connections));
  const sequence1 = find('3-step sequence', 1);
  const stepSum = steps(1).reduce((sum, r) => sum + r.p50, 0);
  // Each direct call pays the client hop once; the sequence pays it once for three steps.
  const clientHop = (stepSum - sequence1.p50) / (STEPS.length - 1);
  const overheadPerStep = (sequence1.p50 - stepSum) / STEPS.length;
  const slowest16 = Math.min(...steps(16).map((r) => r.throughput));
  const sequence16 = find('3-step sequence', 16);
  const ensemble1 = find('2-model ensemble (mean)', 1);
  const slower1 = Math.max(find('step-a directly', 1).p50, find('step-b directly', 1).p50);
  console.table([
    {
      goal: '≤ 0.15 ms p50 overhead per step at 1 connection',
      measured: `(sequence p50 ${sequence1.p50.toFixed(3)} − Σ step p50 ${stepSum.toFixed(3)}) / 3 = ${overheadPerStep.toFixed(3)} ms`,
      note: clientHop > 0 ? `each direct call also pays a client↔gateway hop the sequence pays once (≈${clientHop.toFixed(3)} ms)` : '',
    },
    {
      goal: 'graph throughput ≥ 0.7× the slowest step alone at 16 connections',
      measured: `${Math.round(sequence16.throughput)} / ${Math.round(slowest16)} req/s = ${(sequence16.throughput / slowest16).toFixed(2)}×`,
      note: 'every step runs on the same 2 shared cores as the gateway and the load generator',
    },
    {
      goal: '2-model ensemble p50 ≤ slower model p50 + 0.2 ms',
      measured: `${ensemble1.p50.toFixed(3)} vs ${slower1.toFixed(3)} + 0.2 ms (${(ensemble1.p50 - slower1).toFixed(3)} ms over)`,
      note: '',
    },
  ]);
  const errors = rows.reduce((n, r) => n + r.errors, 0);
  if (errors > 0) console.log(`! ${errors} requests failed during the benchmark`);
}
