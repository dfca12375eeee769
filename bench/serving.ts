// The prediction path measured on a running Slipway: models uploaded and deployed through the REST
// API (timing Deploy → Ready); then the same small MLP called directly, through the gateway (framed
// transport, and plain HTTP as before), through a bare node:http proxy and through a FastAPI wrapper,
// at 1, 16 and 64 connections with CPU per request of gateway and replica; then dynamic batching on
// vs off. Prints tables and the ratios against the goals, all measured in this one run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildCnn, buildMlp } from '@slipway/onnx-builder';
import { parseListeningLine } from '@slipway/core';
import { startRuntime } from '@slipway/testkit';
import * as ort from 'onnxruntime-node';
import { ApiClient } from '../e2e/api-client';
import { freePort, launchPlatform } from '../scripts/lib/launch';
import { processEnv, type PlatformEnv } from '../scripts/lib/platform';
import { inProcess, load, printTable, type LoadResult } from './lib/load';
import { cpuMs, replicaAuth, replicaPid, type Started, startListening } from './lib/processes';
import { until } from './lib/until';
import { hasWrk, wrk } from './lib/wrk';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
/** Each cell of the transport table is measured this many times (rounds interleaved); medians are reported. */
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const TRANSPORT_SECONDS = Number(process.env.BENCH_TRANSPORT_SECONDS ?? 5);
const CONNECTIONS = [1, 16, 64] as const;
const MLP = { inputs: 30, hidden: 64, outputs: 2 };
const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
/** Debian's Python, where `apt-get install python3-fastapi python3-uvicorn python3-torch` puts the modules. */
const SYSTEM_PYTHON = '/usr/bin/python3';

function filled(shape: number[]): unknown {
  return shape.length === 1 ? new Array(shape[0]).fill(0.5) : Array.from({ length: shape[0]! }, () => filled(shape.slice(1)));
}

/** The FastAPI + PyTorch wrapper of the same MLP shape, or why it cannot run here. */
async function startFastApi(): Promise<Started | string> {
  if (!existsSync(SYSTEM_PYTHON)) return `${SYSTEM_PYTHON} not found`;
  const port = await freePort();
  const script = path.join(BENCH_DIR, 'lib', 'fastapi_mlp.py');
  const child = spawn(SYSTEM_PYTHON, [script, String(port), String(MLP.inputs), String(MLP.hidden), String(MLP.outputs)], {
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(
      'FastAPI baseline',
      async () => {
        if (child.exitCode !== null) throw new Error(stderr.slice(-1)[0] ?? `exited with ${child.exitCode}`);
        return (
          (await fetch(`${url}/health`).then(
            (r) => r.ok,
            () => false,
          )) || undefined
        );
      },
      60_000,
    );
  } catch (error) {
    child.kill('SIGTERM');
    return `it did not start (apt-get install -y python3-fastapi python3-uvicorn python3-torch): ${(error as Error).message}`;
  }
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

/** Rows and session.run calls so far, from a replica's /metrics (their ratio is the mean batch). */
async function batchCounters(replica: string, headers: Record<string, string>): Promise<{ rows: number; runs: number }> {
  const text = await (await fetch(`${replica}/metrics`, { headers })).text();
  const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} ([\\d.e+]+)$`, 'm').exec(text)?.[1] ?? 0);
  return { rows: value('slipway_runtime_batch_size_sum'), runs: value('slipway_runtime_batch_size_count') };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Target {
  label: string;
  url: string;
  headers: Record<string, string>;
  /** The process in front of the replica (gateway, proxy) or instead of it (FastAPI): its CPU is charged per request. */
  frontPid?: number;
  /** Requests reach the deployed replica (not FastAPI): its CPU and batches are charged per request. */
  reachesReplica: boolean;
}

interface Cell {
  throughput: number;
  p50: number;
  p99: number;
  errors: number;
  frontCpuUs?: number;
  replicaCpuUs?: number;
  rowsPerRun?: number;
}

/**
 * Every target at every connection count, REPEATS rounds interleaved (so drift in the machine's load
 * spreads over all rows), with process CPU from /proc over the requests each run completed. The load
 * generator (wrk) runs in its own process.
 */
async function transportTable(targets: Target[], body: string, replica: { url: string; pid: number; headers: Record<string, string> }) {
  const samples = new Map<string, Cell[]>();
  const useWrk = await hasWrk();
  if (!useWrk) console.log('wrk not found (apt-get install -y wrk): using autocannon, whose worker threads share this process');
  const snapshot = async (target: Target) => ({
    front: target.frontPid ? await cpuMs(target.frontPid) : 0,
    replica: await cpuMs(replica.pid),
    batches: await batchCounters(replica.url, replica.headers),
  });
  for (let round = 0; round < REPEATS; round++) {
    for (const connections of CONNECTIONS) {
      for (const target of targets) {
        const before = await snapshot(target);
        const options = { url: target.url, body, headers: target.headers, connections, seconds: TRANSPORT_SECONDS };
        const result = useWrk ? await wrk(options) : await load(target.label, options);
        const after = await snapshot(target);
        const perRequest = (ms: number) => (ms * 1000) / Math.max(1, result.requests);
        const key = `${target.label}|${connections}`;
        samples.set(key, [
          ...(samples.get(key) ?? []),
          {
            throughput: result.throughput,
            p50: result.p50,
            p99: result.p99,
            errors: result.errors,
            frontCpuUs: target.frontPid ? perRequest(after.front - before.front) : undefined,
            replicaCpuUs: target.reachesReplica ? perRequest(after.replica - before.replica) : undefined,
            rowsPerRun: target.reachesReplica ? (after.batches.rows - before.batches.rows) / Math.max(1, after.batches.runs - before.batches.runs) : undefined,
          },
        ]);
      }
    }
  }
  const cell = (label: string, connections: number): Cell => {
    const runs = samples.get(`${label}|${connections}`) ?? [];
    const med = (f: (c: Cell) => number | undefined) => {
      const values = runs.map(f).filter((v): v is number => v !== undefined);
      return values.length ? median(values) : undefined;
    };
    return {
      throughput: med((c) => c.throughput) ?? 0,
      p50: med((c) => c.p50) ?? Number.NaN,
      p99: med((c) => c.p99) ?? Number.NaN,
      errors: runs.reduce((n, c) => n + c.errors, 0),
      frontCpuUs: med((c) => c.frontCpuUs),
      replicaCpuUs: med((c) => c.replicaCpuUs),
      rowsPerRun: med((c) => c.rowsPerRun),
    };
  };
  const fixed = (v: number | undefined, digits = 0) => (v === undefined ? '—' : v.toFixed(digits));
  console.log(
    `\nTransport, MLP ${MLP.inputs} → ${MLP.outputs}, 1 replica: medians of ${REPEATS} runs of ${TRANSPORT_SECONDS} s (${useWrk ? 'wrk, 1 thread' : 'autocannon'})`,
  );
  console.table(
    targets.flatMap((t) =>
      CONNECTIONS.map((connections) => {
        const c = cell(t.label, connections);
        return {
          scenario: t.label,
          conns: connections,
          'req/s': Math.round(c.throughput),
          'p50 ms': c.p50.toFixed(3),
          'p99 ms': c.p99.toFixed(3),
          'front CPU µs/req': fixed(c.frontCpuUs),
          'replica CPU µs/req': fixed(c.replicaCpuUs),
          'rows/run': fixed(c.rowsPerRun, 1),
          errors: c.errors,
        };
      }),
    ),
  );
  return cell;
}

/** Uploads, waits for the version, deploys and returns the Deploy → Ready time and a replica address. */
async function deploy(api: ApiClient, name: string, bytes: Uint8Array): Promise<{ readyMs: number; replica: string }> {
  await api.request('POST', '/api/v1/models', { name, description: 'bench' });
  const upload = await api.upload(name, { name: `${name}.onnx`, bytes });
  if (upload.status >= 300) throw new Error(`upload of ${name} failed: ${JSON.stringify(upload.body)}`);
  await until(`${name} v1 ready`, async () => {
    const { version } = (await api.request('GET', `/api/v1/models/${name}/versions/1`)).body;
    if (version.status === 'failed') throw new Error(`${name} failed inspection: ${version.statusReason}`);
    return version.status === 'ready' ? true : undefined;
  });
  const clicked = performance.now();
  const created = await api.request('POST', '/api/v1/deployments', { name, modelName: name, versionLabel: 1, machineType: 'cpu-medium', replicas: 1 });
  if (created.status >= 300) throw new Error(`deploy of ${name} failed: ${JSON.stringify(created.body)}`);
  const deployment = await until(`${name} ready`, async () => {
    const { deployment } = (await api.request('GET', `/api/v1/deployments/${name}`)).body;
    if (deployment.status === 'failed') throw new Error(`${name} rollout failed: ${deployment.statusReason}`);
    return deployment.status === 'ready' ? deployment : undefined;
  });
  return { readyMs: performance.now() - clicked, replica: deployment.variants[0].replicaList[0].address };
}

export async function benchServing(env: PlatformEnv): Promise<void> {
  const platform = await launchPlatform(env, { webPort: await freePort(), gatewayPort: await freePort(), quiet: true });
  const helpers: Started[] = [];
  try {
    const api = await ApiClient.login(platform.webUrl, env.admin.email, env.admin.password);
    const mlpBytes = buildMlp({ ...MLP, seed: 1 });
    const cnnBytes = buildCnn({ seed: 1, dense: 1024 });
    const mlp = await deploy(api, 'bench-mlp', mlpBytes);
    const cnn = await deploy(api, 'bench-cnn', cnnBytes);
    console.log(`\nDeploy → Ready (API call to status ready, 1 replica): mlp ${mlp.readyMs.toFixed(0)} ms, cnn ${cnn.readyMs.toFixed(0)} ms`);
    // A limit above anything the benchmark sends: it measures the gateway, not its rate limiter's 429s.
    const { key } = (await api.request('POST', '/api/v1/api-keys', { name: 'bench', rateLimitPerSecond: 10_000_000 })).body;
    const auth = { authorization: `Bearer ${key}` };
    // Replicas answer only callers with their token: the direct measurements send it, as the gateway does.
    const mlpDirect = await replicaAuth(platform.pids.worker, 'bench-mlp');
    const cnnDirect = await replicaAuth(platform.pids.worker, 'bench-cnn');
    const mlpBody = JSON.stringify({ inputs: { features: filled([1, MLP.inputs]) } });
    const cnnBody = JSON.stringify({ inputs: { image: filled([1, 1, 28, 28]) } });

    const session = await ort.InferenceSession.create(Buffer.from(mlpBytes), { intraOpNumThreads: 1 });
    const feeds = { features: new ort.Tensor('float32', new Float32Array(MLP.inputs).fill(0.5), [1, MLP.inputs]) };
    const floor = await inProcess('mlp: in-process session.run', () => session.run(feeds), 20_000);
    await session.release();
    console.log(`\nIn-process session.run (mlp): p50 ${floor.p50.toFixed(3)} ms`);

    // The same gateway on plain HTTP to its replicas (the transport before the framed one), beside the platform's.
    const httpGateway = await startListening([path.join(BENCH_DIR, '..', 'apps', 'gateway', 'src', 'main.ts')], {
      ...processEnv(env, platform.gatewayUrl),
      PORT: '0',
      HOST: '127.0.0.1',
      SLIPWAY_UPSTREAM_TRANSPORT: 'http',
    });
    helpers.push(httpGateway);
    const bare = await startListening([path.join(BENCH_DIR, 'lib', 'bare-proxy.ts'), mlp.replica, ...Object.values(mlpDirect)]);
    helpers.push(bare);
    const fastApi = await startFastApi();
    if (typeof fastApi === 'string') console.log(`FastAPI row skipped: ${fastApi}`);
    else helpers.push(fastApi);
    const gatewayRow = (label: string, url: string, pid: number): Target => ({
      label,
      url: `${url}/models/bench-mlp/predict`,
      headers: auth,
      frontPid: pid,
      reachesReplica: true,
    });
    const targets: Target[] = [
      { label: 'replica direct', url: `${mlp.replica}/predict`, headers: mlpDirect, reachesReplica: true },
      gatewayRow('through gateway (framed)', platform.gatewayUrl, platform.pids.gateway),
      gatewayRow('through gateway (HTTP, before)', httpGateway.url, httpGateway.pid),
      { label: 'bare node:http proxy', url: `${bare.url}/predict`, headers: {}, frontPid: bare.pid, reachesReplica: true },
      ...(typeof fastApi === 'string'
        ? []
        : [{ label: 'FastAPI + PyTorch', url: `${fastApi.url}/predict`, headers: {}, frontPid: fastApi.pid, reachesReplica: false }]),
    ];
    const mlpReplica = { url: mlp.replica, pid: await replicaPid(platform.pids.worker, 'bench-mlp'), headers: mlpDirect };
    const cell = await transportTable(targets, mlpBody, mlpReplica);
    for (const helper of helpers.splice(0)) helper.stop();

    const cnnRows: LoadResult[] = [];
    cnnRows.push(await load('cnn: runtime direct', { url: `${cnn.replica}/predict`, body: cnnBody, connections: 16, seconds: SECONDS, headers: cnnDirect }));
    cnnRows.push(
      await load('cnn: through gateway', {
        url: `${platform.gatewayUrl}/models/bench-cnn/predict`,
        body: cnnBody,
        connections: 16,
        seconds: SECONDS,
        headers: auth,
      }),
    );
    printTable('Throughput, CNN, 16 connections (autocannon)', cnnRows);

    // Batching compared on two otherwise identical replicas (the deployed one batches by default).
    const cnnPath = path.join(await mkdtemp(path.join(tmpdir(), 'slipway-bench-')), 'cnn.onnx');
    await writeFile(cnnPath, cnnBytes);
    // With 2 intra-op threads (all cores, a cpu-medium replica) and with 1 (cpu-small), each pair alike but for batching.
    const batching: LoadResult[] = [];
    for (const threads of ['2', '1']) {
      for (const mode of ['off', 'on'] as const) {
        const runtime = await startRuntime({ modelPath: cnnPath, name: 'cnn', env: { SLIPWAY_BATCHING: mode, SLIPWAY_INTRA_OP_THREADS: threads } });
        const label = `cnn: batching ${mode}, ${threads} intra-op thread(s)`;
        batching.push(await load(label, { url: `${runtime.address}/predict`, body: cnnBody, connections: 64, seconds: SECONDS }));
        await runtime.stop();
      }
    }
    printTable('Dynamic batching, CNN, 64 connections (runtime direct)', batching);

    const ratio = (a: number | undefined, b: number | undefined, digits = 2) => (a === undefined || b === undefined ? '—' : (a / b).toFixed(digits));
    const [direct1, direct16, direct64] = CONNECTIONS.map((c) => cell('replica direct', c)) as [Cell, Cell, Cell];
    // The replica's own work per request, called directly under load: what the gateway's CPU is held against.
    const directCpu = median([direct16.replicaCpuUs ?? 0, direct64.replicaCpuUs ?? 0]);
    const fast16 = typeof fastApi === 'string' ? undefined : cell('FastAPI + PyTorch', 16).throughput;
    const goals = (label: string) => {
      const [g1, g16, g64] = CONNECTIONS.map((c) => cell(label, c)) as [Cell, Cell, Cell];
      return {
        [`${label}: p50 overhead, 1 conn (ms)`]: { value: (g1.p50 - direct1.p50).toFixed(3), target: '≤ 0.120' },
        [`${label} / direct, req/s, 16 conns`]: { value: ratio(g16.throughput, direct16.throughput), target: '≥ 0.60' },
        [`${label} / direct, req/s, 64 conns`]: { value: ratio(g64.throughput, direct64.throughput), target: '≥ 0.60' },
        [`${label} / FastAPI, req/s, 16 conns`]: { value: ratio(g16.throughput, fast16, 1), target: '≥ 6.0' },
        [`${label}: gateway CPU / replica CPU called directly, per request`]: {
          value: ratio(median([g16.frontCpuUs ?? 0, g64.frontCpuUs ?? 0]), directCpu),
          target: '≤ 0.80',
        },
        [`${label}: replica CPU fed by it / fed directly, per request`]: {
          value: ratio(median([g16.replicaCpuUs ?? 0, g64.replicaCpuUs ?? 0]), directCpu),
          target: '≤ 1.15',
        },
      };
    };
    const [off, on, off1, on1] = batching as [LoadResult, LoadResult, LoadResult, LoadResult];
    const [cnnDirect16, cnnGateway16] = cnnRows as [LoadResult, LoadResult];
    console.log('\nRatios (same run, same machine; CPU per request from /proc over the requests of each 16- and 64-connection run, median)');
    console.table({
      ...goals('through gateway (framed)'),
      ...goals('through gateway (HTTP, before)'),
      'bare node:http proxy / direct, req/s, 16 conns': { value: ratio(cell('bare node:http proxy', 16).throughput, direct16.throughput), target: 'reference' },
      'cnn: gateway / direct, req/s, 16 conns': { value: ratio(cnnGateway16.throughput, cnnDirect16.throughput), target: '—' },
      'direct runtime p50 / in-process p50, 1 conn': { value: ratio(direct1.p50, floor.p50, 1), target: '—' },
      'batching on / off throughput, CNN 64 conns, 2 threads': { value: (on.throughput / off.throughput).toFixed(2), target: '≥ 3.00' },
      'batching on / off p99, CNN 64 conns, 2 threads': { value: (on.p99 / off.p99).toFixed(2), target: '≤ 2.00' },
      'batching on / off throughput, CNN 64 conns, 1 thread': { value: (on1.throughput / off1.throughput).toFixed(2), target: '≥ 3.00' },
      'batching on / off p99, CNN 64 conns, 1 thread': { value: (on1.p99 / off1.p99).toFixed(2), target: '≤ 2.00' },
    });
    for (const name of ['bench-mlp', 'bench-cnn']) await api.request('POST', `/api/v1/deployments/${name}/stop`);
  } finally {
    for (const helper of helpers) helper.stop();
    await platform.stop();
  }
}
