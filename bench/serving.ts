// The prediction path measured end to end: in-process session.run, the runtime called directly,
// the same through the gateway, and dynamic batching on vs off. Prints tables and ratios.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createDb, generateApiKey } from '@slipway/db';
import { buildCnn, buildMlp } from '@slipway/onnx-builder';
import { channels, createRedis, type RoutingTable } from '@slipway/queue';
import { startRuntime, type RunningRuntime } from '@slipway/testkit';
import * as ort from 'onnxruntime-node';
import { inProcess, load, printTable, sequential, type LoadResult } from './lib/load';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function zeros(shape: number[]): unknown {
  return shape.length === 1 ? new Array(shape[0]).fill(0.5) : Array.from({ length: shape[0] }, () => zeros(shape.slice(1)));
}

async function startGatewayProcess(env: NodeJS.ProcessEnv): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/gateway/src/main.ts')], {
    cwd: root,
    env: { ...env, PORT: '0', SLIPWAY_SAMPLE_RATE: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const message = JSON.parse(line);
        if (message.msg === 'listening') resolve(message.url);
      } catch {
        // log line
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-bench-'));
  const mlpPath = path.join(dir, 'mlp.onnx');
  const cnnPath = path.join(dir, 'cnn.onnx');
  await writeFile(mlpPath, buildMlp({ inputs: 16, hidden: [64, 64], outputs: 4, batch: 'dynamic' }));
  await writeFile(cnnPath, buildCnn({ batch: 'dynamic' }));
  const mlpBody = JSON.stringify({ inputs: { input: zeros([1, 16]) } });
  const cnnBody = JSON.stringify({ inputs: { image: zeros([1, 3, 32, 32]) } });

  // In-process floor.
  const session = await ort.InferenceSession.create(mlpPath, { intraOpNumThreads: 1 });
  const feeds = { input: new ort.Tensor('float32', new Float32Array(16).fill(0.5), [1, 16]) };
  const floor = await inProcess('mlp: in-process session.run', () => session.run(feeds), 20_000);

  // Gateway state: a deployment row, an API key and a routing table pointing at the runtime.
  const prefix = `slipway-bench-${randomUUID().slice(0, 8)}`;
  const db = createDb(process.env.DATABASE_URL!, { poolSize: 2 });
  const redis = createRedis({ redisUrl: process.env.REDIS_URL!, prefix });
  const team = await db.team.create({ data: { name: `bench-${prefix}` } });
  const user = await db.user.create({ data: { email: `${prefix}@bench.local`, name: 'bench', passwordHash: 'x', isAdmin: true } });
  const key = generateApiKey();
  await db.apiKey.create({ data: { name: 'bench', prefix: key.prefix, hash: key.hash, userId: user.id, rateLimitPerSecond: 1_000_000 } });

  const runtimes: RunningRuntime[] = [];
  const start = async (modelPath: string, name: string, batching: boolean) => {
    const runtime = await startRuntime({
      modelPath,
      name,
      env: { SLIPWAY_INTRA_OP_THREADS: '1', SLIPWAY_BATCHING: batching ? 'on' : 'off' },
    });
    runtimes.push(runtime);
    return runtime;
  };
  const mlp = await start(mlpPath, 'mlp', false);
  const table: RoutingTable = {
    generatedAt: new Date().toISOString(),
    deployments: {
      mlp: { id: randomUUID(), name: 'mlp', teamId: team.id, variants: [{ id: randomUUID(), name: 'primary', weight: 100, mirrorPercent: 0, replicas: [{ id: 'r1', address: mlp.address }] }] },
    },
  };
  await redis.set(channels(prefix).routingKey, JSON.stringify(table));
  const gateway = await startGatewayProcess({ ...process.env, SLIPWAY_PREFIX: prefix });
  const auth = { authorization: `Bearer ${key.key}` };

  const latency: LoadResult[] = [floor];
  latency.push(await sequential('mlp: runtime direct', { url: `${mlp.address}/predict`, body: mlpBody, n: 5_000 }));
  latency.push(await sequential('mlp: through gateway', { url: `${gateway.url}/models/mlp/predict`, body: mlpBody, n: 5_000, headers: auth }));
  printTable('Latency, 1 connection (keep-alive)', latency);

  const throughput: LoadResult[] = [];
  throughput.push(await load('mlp: runtime direct', { url: `${mlp.address}/predict`, body: mlpBody, connections: 16, seconds: SECONDS }));
  throughput.push(await load('mlp: through gateway', { url: `${gateway.url}/models/mlp/predict`, body: mlpBody, connections: 16, seconds: SECONDS, headers: auth }));
  printTable('Throughput, 16 connections', throughput);

  const cnnOff = await start(cnnPath, 'cnn', false);
  const off = await load('cnn: batching off', { url: `${cnnOff.address}/predict`, body: cnnBody, connections: 64, seconds: SECONDS });
  await cnnOff.stop();
  const cnnOn = await start(cnnPath, 'cnn', true);
  const on = await load('cnn: batching on', { url: `${cnnOn.address}/predict`, body: cnnBody, connections: 64, seconds: SECONDS });
  printTable('Dynamic batching, CNN, 64 connections (runtime direct)', [off, on]);

  const [, direct1, gateway1] = latency;
  const [direct16, gateway16] = throughput;
  console.log('\nRatios (same run, same machine)');
  console.table({
    'gateway overhead at p50, 1 conn (ms)': { value: (gateway1.p50 - direct1.p50).toFixed(3), target: '≤ 0.300' },
    'gateway / direct throughput, 16 conns': { value: (gateway16.throughput / direct16.throughput).toFixed(2), target: '≥ 0.60' },
    'direct runtime p50 / in-process p50': { value: (direct1.p50 / floor.p50).toFixed(1), target: '—' },
    'batching on / off throughput, CNN 64 conns': { value: (on.throughput / off.throughput).toFixed(2), target: '≥ 3.00' },
    'batching on / off p99, CNN 64 conns': { value: (on.p99 / off.p99).toFixed(2), target: '≤ 2.00' },
  });

  gateway.stop();
  await Promise.all(runtimes.map((r) => r.stop()));
  await session.release();
  redis.disconnect();
  await db.$disconnect();
}

await main();
