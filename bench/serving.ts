// The prediction path measured on a running Slipway: models uploaded and deployed through the REST
// API (timing Deploy → Ready), then in-process session.run, the replica called directly, the same
// through the gateway, and dynamic batching on vs off. Prints tables and the ratios between them.
import { spawn } from 'node:child_process';
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
import type { PlatformEnv } from '../scripts/lib/platform';
import { inProcess, load, printTable, sequential, type LoadResult } from './lib/load';
import { cpuMs, replicaAuth, replicaPid } from './lib/processes';
import { until } from './lib/until';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

function filled(shape: number[]): unknown {
  return shape.length === 1 ? new Array(shape[0]).fill(0.5) : Array.from({ length: shape[0]! }, () => filled(shape.slice(1)));
}

/** A bare node:http reverse proxy in its own process, in front of `target`. */
async function startBareProxy(target: string, token: string | undefined): Promise<{ url: string; stop(): void }> {
  const args = [path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'bare-proxy.ts'), target, ...(token ? [token] : [])];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const port = parseListeningLine(line);
      if (port !== undefined) resolve(port);
    });
    child.once('exit', (code) => reject(new Error(`bare proxy exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
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
  try {
    const api = await ApiClient.login(platform.webUrl, env.admin.email, env.admin.password);
    const mlpBytes = buildMlp({ inputs: 16, hidden: 64, outputs: 4, seed: 1 });
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
    const mlpBody = JSON.stringify({ inputs: { features: filled([1, 16]) } });
    const cnnBody = JSON.stringify({ inputs: { image: filled([1, 1, 28, 28]) } });

    const session = await ort.InferenceSession.create(Buffer.from(mlpBytes), { intraOpNumThreads: 1 });
    const feeds = { features: new ort.Tensor('float32', new Float32Array(16).fill(0.5), [1, 16]) };
    const latency: LoadResult[] = [await inProcess('mlp: in-process session.run', () => session.run(feeds), 20_000)];
    latency.push(await sequential('mlp: runtime direct', { url: `${mlp.replica}/predict`, body: mlpBody, n: 5_000, headers: mlpDirect }));
    latency.push(await sequential('mlp: through gateway', { url: `${platform.gatewayUrl}/models/bench-mlp/predict`, body: mlpBody, n: 5_000, headers: auth }));
    const bare = await startBareProxy(mlp.replica, Object.values(mlpDirect)[0]);
    latency.push(await sequential('mlp: bare node:http proxy (floor)', { url: `${bare.url}/predict`, body: mlpBody, n: 5_000 }));
    printTable('Latency, 1 connection (keep-alive)', latency);

    const throughput: LoadResult[] = [];
    throughput.push(await load('mlp: runtime direct', { url: `${mlp.replica}/predict`, body: mlpBody, connections: 16, seconds: SECONDS, headers: mlpDirect }));
    // CPU per request tells what bounds the gateway's throughput when it shares the cores with the replica.
    const mlpPid = await replicaPid(platform.pids.worker, 'bench-mlp');
    const cpuBefore = { gateway: await cpuMs(platform.pids.gateway), replica: await cpuMs(mlpPid) };
    throughput.push(
      await load('mlp: through gateway', {
        url: `${platform.gatewayUrl}/models/bench-mlp/predict`,
        body: mlpBody,
        connections: 16,
        seconds: SECONDS,
        headers: auth,
      }),
    );
    const served = throughput[1]!.requests;
    const cpuPerRequest = {
      gateway: (((await cpuMs(platform.pids.gateway)) - cpuBefore.gateway) * 1000) / served,
      replica: (((await cpuMs(mlpPid)) - cpuBefore.replica) * 1000) / served,
    };
    throughput.push(await load('cnn: runtime direct', { url: `${cnn.replica}/predict`, body: cnnBody, connections: 16, seconds: SECONDS, headers: cnnDirect }));
    throughput.push(
      await load('cnn: through gateway', {
        url: `${platform.gatewayUrl}/models/bench-cnn/predict`,
        body: cnnBody,
        connections: 16,
        seconds: SECONDS,
        headers: auth,
      }),
    );
    throughput.push(await load('mlp: bare node:http proxy (floor)', { url: `${bare.url}/predict`, body: mlpBody, connections: 16, seconds: SECONDS }));
    bare.stop();
    printTable('Throughput, 16 connections', throughput);
    console.log(`CPU per request through the gateway (mlp): gateway ${cpuPerRequest.gateway.toFixed(0)} µs, replica ${cpuPerRequest.replica.toFixed(0)} µs`);

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

    const [floor, direct1, gateway1, bare1] = latency as [LoadResult, LoadResult, LoadResult, LoadResult];
    const [direct16, gateway16, , , bare16] = throughput as [LoadResult, LoadResult, LoadResult, LoadResult, LoadResult];
    const [off, on, off1, on1] = batching as [LoadResult, LoadResult, LoadResult, LoadResult];
    console.log('\nRatios (same run, same machine)');
    console.table({
      'gateway overhead at p50, 1 conn (ms)': { value: (gateway1.p50 - direct1.p50).toFixed(3), target: '≤ 0.300' },
      'gateway p50 / direct p50, 1 conn': { value: (gateway1.p50 / direct1.p50).toFixed(2), target: '—' },
      'bare node:http proxy overhead at p50, 1 conn (ms)': { value: (bare1.p50 - direct1.p50).toFixed(3), target: 'floor' },
      'gateway / direct throughput, mlp 16 conns': { value: (gateway16.throughput / direct16.throughput).toFixed(2), target: '≥ 0.60' },
      'bare proxy / direct throughput, mlp 16 conns': { value: (bare16.throughput / direct16.throughput).toFixed(2), target: 'floor' },
      'gateway CPU / replica CPU per request, mlp': { value: (cpuPerRequest.gateway / cpuPerRequest.replica).toFixed(2), target: '—' },
      'direct runtime p50 / in-process p50': { value: (direct1.p50 / floor.p50).toFixed(1), target: '—' },
      'batching on / off throughput, CNN 64 conns, 2 threads': { value: (on.throughput / off.throughput).toFixed(2), target: '≥ 3.00' },
      'batching on / off p99, CNN 64 conns, 2 threads': { value: (on.p99 / off.p99).toFixed(2), target: '≤ 2.00' },
      'batching on / off throughput, CNN 64 conns, 1 thread': { value: (on1.throughput / off1.throughput).toFixed(2), target: '≥ 3.00' },
      'batching on / off p99, CNN 64 conns, 1 thread': { value: (on1.p99 / off1.p99).toFixed(2), target: '≤ 2.00' },
    });
    await session.release();
    for (const name of ['bench-mlp', 'bench-cnn']) await api.request('POST', `/api/v1/deployments/${name}/stop`);
  } finally {
    await platform.stop();
  }
}
