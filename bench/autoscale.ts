// Scaling on a running Slipway: a replica's throughput knee (what `targetOngoingRequests` defaults to),
// cold start from zero replicas (first answer after a wake, p50/p95 over repeated wakes, with where the
// time goes), and the autoscaler's reaction to a step load (seconds until a new replica takes traffic).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { trainIrisClassifier } from '@slipway/onnx-builder';
import { startRuntime } from '@slipway/testkit';
import { ApiClient } from '../e2e/api-client';
import { freePort, launchPlatform } from '../scripts/lib/launch';
import type { PlatformEnv } from '../scripts/lib/platform';
import { load, printTable, type LoadResult } from './lib/load';
import { until } from './lib/until';

const WAKES = Number(process.env.BENCH_WAKES ?? 10);
const BODY = JSON.stringify({ inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } });

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

/** Throughput and p99 of one replica (1 intra-op thread, a cpu-small) as concurrency grows. */
async function knee(modelPath: string): Promise<void> {
  const runtime = await startRuntime({ modelPath, name: 'iris', env: { SLIPWAY_INTRA_OP_THREADS: '1' } });
  const rows: LoadResult[] = [];
  for (const connections of [1, 2, 4, 8, 16, 32, 64, 128]) {
    rows.push(await load(`${connections} in flight`, { url: `${runtime.address}/predict`, body: BODY, connections, seconds: 3 }));
  }
  await runtime.stop();
  printTable('One replica, direct: throughput by requests in flight', rows);
  const best = Math.max(...rows.map((r) => r.throughput));
  const kneeRow = rows.find((r) => r.throughput >= 0.9 * best)!;
  console.log(
    `Knee: ${kneeRow.connections} requests in flight reach ${((kneeRow.throughput / best) * 100).toFixed(0)}% of the best throughput (${Math.round(best)} req/s)`,
  );
}

export async function benchAutoscale(env: PlatformEnv): Promise<void> {
  const modelPath = path.join(await mkdtemp(path.join(tmpdir(), 'slipway-bench-')), 'iris.onnx');
  await writeFile(modelPath, trainIrisClassifier({ seed: 1 }).model);
  await knee(modelPath);

  const platform = await launchPlatform(env, { webPort: await freePort(), gatewayPort: await freePort(), quiet: true });
  try {
    const api = await ApiClient.login(platform.webUrl, env.admin.email, env.admin.password);
    const name = `bench-scale-${Date.now().toString(36)}`;
    await api.request('POST', '/api/v1/models', { name, description: 'bench' });
    await api.upload(name, { name: 'iris.onnx', bytes: trainIrisClassifier({ seed: 1 }).model });
    await until('version ready', async () =>
      (await api.request('GET', `/api/v1/models/${name}/versions/1`)).body.version.status === 'ready' ? true : undefined,
    );
    const { key } = (await api.request('POST', '/api/v1/api-keys', { name: 'bench-scale', rateLimitPerSecond: 10_000_000 })).body;
    const url = `${platform.gatewayUrl}/models/${name}/predict`;
    const predict = () => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: BODY });
    const deployment = async () => (await api.request('GET', `/api/v1/deployments/${name}`)).body.deployment;
    const events = async () =>
      (await api.request('GET', `/api/v1/deployments/${name}/events`)).body.events as { step: string; message: string; createdAt: string }[];

    await api.request('POST', '/api/v1/deployments', { name, modelName: name, versionLabel: 1, machineType: 'cpu-small', replicas: 1 });
    await until('deployed', async () => ((await deployment()).status === 'ready' ? true : undefined));
    await api.request('PATCH', `/api/v1/deployments/${name}`, {
      autoscaling: { minReplicas: 0, maxReplicas: 1, scaleToZeroDelaySeconds: 1, lookBackSeconds: 1 },
    });

    const wakes: { total: number; toWake: number; toListening: number; toReady: number; toAnswer: number }[] = [];
    for (let i = 0; i < WAKES; i++) {
      await until(
        'asleep',
        async () => {
          const d = await deployment();
          return d.status === 'ready' && d.variants[0].replicas === 0 && d.variants[0].replicaList.every((r: { state: string }) => r.state !== 'ready')
            ? true
            : undefined;
        },
        60_000,
        deployment,
      );
      const seen = (await events()).length;
      const sent = Date.now();
      const response = await predict();
      const answered = Date.now();
      if (response.status !== 200) throw new Error(`wake ${i + 1} answered ${response.status}: ${await response.text()}`);
      const fresh = (await events()).slice(seen);
      const at = (step: string, pattern?: RegExp) =>
        Date.parse(fresh.find((e) => e.step === step && (!pattern || pattern.test(e.message)))?.createdAt ?? '') || NaN;
      const woken = at('autoscale', /woken/);
      const listening = at('replica-started');
      const ready = at('replica-ready');
      wakes.push({ total: answered - sent, toWake: woken - sent, toListening: listening - woken, toReady: ready - listening, toAnswer: answered - ready });
    }
    console.log(`\nCold start from zero replicas, ${WAKES} wakes (one request each, held by the gateway until a replica is ready)`);
    console.table(
      Object.fromEntries(
        (['total', 'toWake', 'toListening', 'toReady', 'toAnswer'] as const).map((k) => [
          {
            total: 'request → first answer',
            toWake: 'request → wake recorded',
            toListening: 'wake → replica listening (process start, model load, warm-up)',
            toReady: 'listening → ready (probe)',
            toAnswer: 'ready → answer (routing, release)',
          }[k],
          {
            'p50 ms': percentile(
              wakes.map((w) => w[k]),
              50,
            ),
            'p95 ms': percentile(
              wakes.map((w) => w[k]),
              95,
            ),
          },
        ]),
      ),
    );

    // Reaction to a step load: from the step until a second replica is ready and routed.
    await api.request('PATCH', `/api/v1/deployments/${name}`, {
      autoscaling: { minReplicas: 1, maxReplicas: 3, targetOngoingRequests: 4, upscaleDelaySeconds: 1, downscaleDelaySeconds: 600, lookBackSeconds: 2 },
    });
    await until('one replica', async () => {
      const d = await deployment();
      return d.status === 'ready' && d.variants[0].replicaList.filter((r: { state: string }) => r.state === 'ready').length === 1 ? true : undefined;
    });
    const step = Date.now();
    const loading = load('step load, 32 connections', { url, body: BODY, connections: 32, seconds: 15, headers: { authorization: `Bearer ${key}` } });
    await until('scaled up', async () =>
      (await deployment()).variants[0].replicaList.filter((r: { state: string }) => r.state === 'ready').length >= 2 ? true : undefined,
    );
    const reaction = Date.now() - step;
    const result = await loading;
    console.log(
      `\nAutoscaler reaction: ${(reaction / 1000).toFixed(1)} s from a step to 32 concurrent callers until a second replica was ready and routed (upscaleDelaySeconds 1, lookBackSeconds 2); ${result.errors} failed requests of ${result.requests}`,
    );
    await api.request('POST', `/api/v1/deployments/${name}/stop`);
  } finally {
    await platform.stop();
  }
}
