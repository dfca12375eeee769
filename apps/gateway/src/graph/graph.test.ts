import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GraphSpecInput, graphSpecSchema } from '@slipway/core';
import { createDb, type Db } from '@slipway/db';
import { buildFailingModel, buildMlp, buildScaledMlp, buildScaler } from '@slipway/onnx-builder';
import { channels, createRedis, type RoutedDeployment, type RoutingTable } from '@slipway/queue';
import { requireTestEnv, type RunningRuntime, seedDeployment, startRuntime } from '@slipway/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Gateway, startGateway } from '../server';
import type { GraphTrace } from './traces';

const IRIS = fileURLToPath(new URL('../../../../models/iris/iris.onnx', import.meta.url));
const SCALER = { mean: [5.8, 3.0, 3.8, 1.2], scale: [0.8, 0.4, 1.8, 0.8] };
const MLP = { inputs: 4, hidden: 8, outputs: 3, seed: 11 };
const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.7, 3.0, 5.2, 2.3],
  [5.9, 3.0, 4.2, 1.5],
];
const IMAGE_ROWS = [
  [0.1, 0.9, 0.3, 0.4, 0.5, 0.6],
  [0.9, 0.1, 0.8, 0.2, 0.7, 0.3],
  [0.4, 0.4, 0.4, 0.4, 0.4, 0.4],
];

/**
 * Graphs executed by a real gateway over real runtime replicas (onnxruntime, framed transport), every node a
 * deployment in the routing table with its own replicas: no part is faked.
 */
describe('graph deployments in the gateway', () => {
  const env = requireTestEnv();
  const prefix = `slipway-test-graph-${randomUUID().slice(0, 8)}`;
  const scratch = mkdtempSync(path.join(tmpdir(), 'slipway-graph-'));
  let db: Db;
  let redis: Redis;
  let gateway: Gateway;
  let seeded: Awaited<ReturnType<typeof seedDeployment<'a'>>>;
  const runtimes: Record<string, RunningRuntime> = {};
  const traces: GraphTrace[] = [];
  const graphs: Record<string, GraphSpecInput> = {};
  let nodes: Record<string, RoutedDeployment> = {};

  const file = (name: string, bytes: Uint8Array) => {
    const at = path.join(scratch, `${name}.onnx`);
    writeFileSync(at, bytes);
    return at;
  };
  const node = (name: string, variants: { name: string; weight: number; replicas: RunningRuntime[]; desiredReplicas?: number }[]): RoutedDeployment => ({
    id: randomUUID(),
    name,
    teamId: seeded.teamId,
    variants: variants.map((v) => ({
      id: randomUUID(),
      name: v.name,
      weight: v.weight,
      mirrorPercent: 0,
      replicas: v.replicas.map((r, i) => ({ id: `${name}-${v.name}-${i}`, address: r.address, framedAddress: r.framedAddress, token: r.token })),
      desiredReplicas: v.desiredReplicas ?? v.replicas.length,
    })),
  });

  async function publish(): Promise<void> {
    const table: RoutingTable = {
      generatedAt: new Date().toISOString(),
      deployments: nodes,
      graphs: Object.fromEntries(
        Object.entries(graphs).map(([name, spec]) => [name, { id: randomUUID(), name, teamId: seeded.teamId, revision: 1, spec: graphSpecSchema.parse(spec) }]),
      ),
    };
    await redis.publish(channels(prefix).routingChanged, JSON.stringify(table));
    await vi.waitFor(() => expect(gateway.routing.deployment('scaler')).toEqual(nodes.scaler));
    await vi.waitFor(() => expect(Object.keys(graphs).every((g) => gateway.routing.graph(g)?.spec)).toBe(true));
  }

  const post = (url: string, body: unknown, key = seeded.key) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  const predict = (graph: string, inputs: Record<string, unknown>, key?: string) => post(`${gateway.url}/models/${graph}/predict`, { inputs }, key);
  /** A node's own answer, called directly through the gateway as a model deployment. */
  const direct = async (deployment: string, inputs: Record<string, unknown>) => (await (await predict(deployment, inputs)).json()).outputs;

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 2 });
    redis = createRedis({ redisUrl: env.redisUrl, prefix });
    seeded = await seedDeployment(db, `graph-${randomUUID().slice(0, 8)}`, ['a']);
    const start = (name: string, modelPath: string) => startRuntime({ modelPath, name, token: `token-${randomUUID()}` });
    const models = {
      scaler: file('scaler', buildScaler(SCALER)),
      mlp: file('mlp', buildMlp(MLP)),
      fused: file('fused', buildScaledMlp(SCALER, MLP)),
      image: file('image', buildMlp({ inputs: 6, hidden: 8, outputs: 3, seed: 5 })),
      failing: file('failing', buildFailingModel()),
    };
    const started = await Promise.all([
      start('scaler', models.scaler),
      start('scaler', models.scaler),
      start('mlp', models.mlp),
      start('mlp', models.mlp),
      start('fused', models.fused),
      start('text-clf', IRIS),
      start('image-clf', models.image),
      start('failing', models.failing),
      start('flaky', models.failing),
      start('flaky', IRIS),
    ]);
    Object.assign(
      runtimes,
      Object.fromEntries(
        ['scaler', 'scaler2', 'mlp', 'mlp-canary', 'fused', 'text', 'image', 'failing', 'flaky-bad', 'flaky-good'].map((k, i) => [k, started[i]!]),
      ),
    );
    nodes = {
      scaler: node('scaler', [{ name: 'v1', weight: 100, replicas: [runtimes.scaler!] }]),
      mlp: node('mlp', [{ name: 'v1', weight: 100, replicas: [runtimes.mlp!] }]),
      fused: node('fused', [{ name: 'v1', weight: 100, replicas: [runtimes.fused!] }]),
      'text-clf': node('text-clf', [{ name: 'v1', weight: 100, replicas: [runtimes.text!] }]),
      'image-clf': node('image-clf', [{ name: 'v1', weight: 100, replicas: [runtimes.image!] }]),
      failing: node('failing', [{ name: 'v1', weight: 100, replicas: [runtimes.failing!] }]),
      flaky: node('flaky', [{ name: 'v1', weight: 100, replicas: [runtimes['flaky-bad']!, runtimes['flaky-good']!] }]),
      asleep: node('asleep', [{ name: 'v1', weight: 100, replicas: [], desiredReplicas: 0 }]),
    };
    Object.assign(graphs, specs());
    gateway = await startGateway({
      db,
      redis,
      prefix,
      port: 0,
      host: '127.0.0.1',
      metricsToken: 'metrics-token-0123456789abcdef',
      rollupIntervalMs: 60_000,
      maxBodyBytes: 1024 * 1024,
      defaultRateLimit: 100_000,
      holdMaxRequests: 100,
      holdTimeoutMs: 30_000,
      graphRetryBackoffMs: 5,
      traceSink: async (kept) => traces.push(...kept),
    });
    await publish();
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(Object.values(runtimes).map((r) => r.stop()));
    redis?.disconnect();
    await db?.$disconnect();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('a scaler -> MLP sequence answers exactly what the fused model answers', async () => {
    const response = await predict('pipeline', { x: ROWS });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-slipway-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    const body = await response.json();
    const fused = await direct('fused', { x: ROWS });
    expect(body.outputs.label).toEqual(fused.label);
    expect(body.outputs.probabilities).toEqual(fused.probabilities);
    // And over OIP at the same endpoint, with the trace id in the parameters.
    const oip = await post(`${gateway.url}/v2/models/pipeline/infer`, {
      id: 'r1',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 4], data: ROWS.flat() }],
    });
    const answer = await oip.json();
    expect(answer).toMatchObject({ model_name: 'pipeline', id: 'r1', parameters: { trace_id: oip.headers.get('x-slipway-trace-id') } });
    expect(answer.outputs.find((o: { name: string }) => o.name === 'label').data).toEqual(fused.label);
  });

  it("Heureka's composite: a text and an image classifier on different inputs, combined by vote (ties by mean probability)", async () => {
    const response = await predict('heureka', { text: ROWS, image: IMAGE_ROWS });
    expect(response.status).toBe(200);
    const text = await direct('text-clf', { features: ROWS });
    const image = await direct('image-clf', { features: IMAGE_ROWS });
    const expected = ROWS.map((_, row) => {
      const [a, b] = [text.label[row], image.label[row]];
      if (a === b) return a;
      const mean = (label: number) => (text.probabilities[row][label] + image.probabilities[row][label]) / 2;
      return mean(a) >= mean(b) ? a : b;
    });
    expect((await response.json()).outputs.label).toEqual(expected);
  });

  it('a switch routes by the request category; no match and no default is a 422 naming the conditions', async () => {
    const row = [ROWS[1]!];
    const toText = await (await predict('by-category', { features: row, category: [0] })).json();
    const toMlp = await (await predict('by-category', { features: row, category: [1] })).json();
    expect(toText.outputs.probabilities).toEqual((await direct('text-clf', { features: row })).probabilities);
    expect(toMlp.outputs.probabilities).toEqual((await direct('mlp', { features: row })).probabilities);
    const none = await predict('by-category', { features: row, category: [7] });
    expect(none.status).toBe(422);
    expect((await none.json()).error).toEqual({
      code: 'no_matching_case',
      message:
        "switch 'route': no case matched and it has no default; tried 'inputs.category == 0' (inputs.category = 7), 'inputs.category == 1' (inputs.category = 7)",
    });
  });

  it('a hard step failure fails the request naming the step; a soft one is left out and said so', async () => {
    const hard = await predict('hard-failure', { features: ROWS });
    expect(hard.status).toBe(502);
    const { error } = await hard.json();
    expect(error.code).toBe('step_failed');
    expect(error.message).toMatch(/^step 'broken' \(failing\) failed: .+ \(HTTP 500\)$/);
    const soft = await predict('soft-failure', { features: ROWS });
    expect(soft.status).toBe(200);
    const body = await soft.json();
    expect(body.outputs.label).toEqual((await direct('text-clf', { features: ROWS })).label);
    expect(body.skipped).toEqual([{ step: 'broken', error: expect.stringMatching(/^step 'broken' \(failing\) failed: /) }]);
    // Every failed request's trace is kept, with per-step timings.
    await vi.waitFor(async () => {
      await gateway.traces.flush();
      const kept = traces.find((t) => t.traceId === hard.headers.get('x-slipway-trace-id'));
      expect(kept).toMatchObject({ graph: 'hard-failure', status: 502, failed: true });
      expect(kept!.steps.map((s) => [s.step, s.outcome])).toEqual([
        ['classify', 'ok'],
        ['broken', 'failed'],
      ]);
    });
  });

  it('a step that does not answer within its timeoutMs fails with 504 naming the step', async () => {
    const response = await predict('timeout', { features: ROWS });
    expect(response.status).toBe(504);
    expect((await response.json()).error).toEqual({ code: 'step_timeout', message: "step 'sleepy' (asleep) did not answer within 300 ms" });
  });

  it('retries a step after a 5xx and succeeds; without retries the same node fails', async () => {
    const retried = await Promise.all(Array.from({ length: 10 }, () => predict('retried', { features: ROWS })));
    expect(retried.map((r) => r.status)).toEqual(Array(10).fill(200));
    const once = await Promise.all(Array.from({ length: 10 }, () => predict('not-retried', { features: ROWS })));
    expect(once.map((r) => r.status)).toContain(502);
  });

  it('answers 401 without an API key and 400 naming a bad input', async () => {
    const anonymous = await fetch(`${gateway.url}/models/pipeline/predict`, { method: 'POST', body: JSON.stringify({ inputs: { x: ROWS } }) });
    expect(anonymous.status).toBe(401);
    const bad = await predict('pipeline', { x: [[1, 2, 3]] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toBe("input 'x': expected shape [-1, 4], received [1, 3]");
  });

  it('under load, a node scaled out on its own and a canary of one node lose no request through the graph', async () => {
    let failed = 0;
    let sent = 0;
    let stop = false;
    const load = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!stop) {
          const response = await predict('pipeline', { x: ROWS });
          sent++;
          if (response.status !== 200) failed++;
          await response.arrayBuffer();
        }
      }),
    );
    const canaryServed = () => servedBy(runtimes['mlp-canary']!);
    const scaledServed = () => servedBy(runtimes.scaler2!);
    nodes = {
      ...nodes,
      scaler: node('scaler', [{ name: 'v1', weight: 100, replicas: [runtimes.scaler!, runtimes.scaler2!] }]),
      mlp: node('mlp', [
        { name: 'v1', weight: 80, replicas: [runtimes.mlp!] },
        { name: 'canary', weight: 20, replicas: [runtimes['mlp-canary']!] },
      ]),
    };
    await publish();
    await vi.waitFor(async () => {
      expect(await canaryServed()).toBeGreaterThan(20);
      expect(await scaledServed()).toBeGreaterThan(20);
    }, 30_000);
    stop = true;
    await load;
    expect(sent).toBeGreaterThan(50);
    expect(failed).toBe(0);
  });

  it('serves the graph its own OpenAPI docs, with an example recorded from a real run', async () => {
    const response = await fetch(`${gateway.url}/models/pipeline/openapi.json`, { headers: { authorization: `Bearer ${seeded.key}` } });
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(Object.keys(document.paths)).toContain('/models/pipeline/predict');
    expect(JSON.stringify(document)).toContain('recorded from a real inference');
    expect((await fetch(`${gateway.url}/models/pipeline/openapi.json`)).status).toBe(401);
  });

  it('exports per-step counts and latency histograms labelled by graph and node', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789abcdef' } })).text();
    expect(text).toMatch(/^slipway_graph_step_requests_total\{graph="pipeline",node="scale",outcome="ok"\} \d+$/m);
    expect(text).toMatch(/^slipway_graph_step_duration_seconds_count\{graph="pipeline",node="classify"\} \d+$/m);
    expect(text).toMatch(/^slipway_graph_step_requests_total\{graph="hard-failure",node="broken",outcome="failed"\} \d+$/m);
  });

  async function servedBy(runtime: RunningRuntime): Promise<number> {
    const text = await (await fetch(`${runtime.address}/metrics`, { headers: runtime.headers })).text();
    return [...text.matchAll(/^slipway_runtime_requests_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  }
});

const FEATURES = [{ name: 'features', dtype: 'float32' as const, shape: [null, 4] }];

function specs(): Record<string, GraphSpecInput> {
  const classify = { kind: 'model' as const, name: 'classify', deployment: 'text-clf', inputs: { features: 'inputs.features' } };
  return {
    pipeline: {
      inputs: [{ name: 'x', dtype: 'float32', shape: [null, 4] }],
      steps: [
        { kind: 'model', name: 'scale', deployment: 'scaler', inputs: { x: 'inputs.x' } },
        { kind: 'model', name: 'classify', deployment: 'mlp', inputs: { features: 'scale.scaled' } },
      ],
    },
    heureka: {
      inputs: [
        { name: 'text', dtype: 'float32', shape: [null, 4] },
        { name: 'image', dtype: 'float32', shape: [null, 6] },
      ],
      steps: [
        {
          kind: 'ensemble',
          name: 'vote',
          members: [
            { name: 'by-text', deployment: 'text-clf', inputs: { features: 'inputs.text' } },
            { name: 'by-image', deployment: 'image-clf', inputs: { features: 'inputs.image' } },
          ],
          aggregate: { method: 'vote', tensor: 'label', probabilities: 'probabilities' },
        },
      ],
    },
    'by-category': {
      inputs: [...FEATURES, { name: 'category', dtype: 'int64', shape: [1] }],
      steps: [
        {
          kind: 'switch',
          name: 'route',
          cases: [
            { when: 'inputs.category == 0', call: { deployment: 'text-clf', inputs: { features: 'inputs.features' } } },
            { when: 'inputs.category == 1', call: { deployment: 'mlp', inputs: { features: 'inputs.features' } } },
          ],
        },
      ],
    },
    'hard-failure': {
      inputs: FEATURES,
      steps: [classify, { kind: 'model', name: 'broken', deployment: 'failing', inputs: { features: 'inputs.features' } }],
      outputs: { label: 'classify.label' },
    },
    'soft-failure': {
      inputs: FEATURES,
      steps: [classify, { kind: 'model', name: 'broken', deployment: 'failing', dependency: 'soft', inputs: { features: 'inputs.features' } }],
      outputs: { label: 'classify.label' },
    },
    timeout: {
      inputs: FEATURES,
      steps: [{ kind: 'model', name: 'sleepy', deployment: 'asleep', timeoutMs: 300, inputs: { features: 'inputs.features' } }],
    },
    retried: { inputs: FEATURES, steps: [{ kind: 'model', name: 'flaky', deployment: 'flaky', retries: 2, inputs: { features: 'inputs.features' } }] },
    'not-retried': { inputs: FEATURES, steps: [{ kind: 'model', name: 'flaky', deployment: 'flaky', inputs: { features: 'inputs.features' } }] },
  };
}
