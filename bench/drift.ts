// The cost of drift collection: two replicas of the same model in the same run, one collecting (sketching every
// request, flushing windows to Redis as jobs) and one not, loaded in turns; and the collector's heap over 10× the
// requests. Prints throughput ratios (target: collection costs at most 5 %) and the heap figures.
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildMlp } from '@slipway/onnx-builder';
import { startRuntime } from '@slipway/testkit';
import { DriftCollector } from '../apps/runtime/src/drift-collector';
import type { PlatformEnv } from '../scripts/lib/platform';
import { load, printTable, type LoadResult } from './lib/load';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const INPUTS = 16;

function rows(n: number): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from({ length: INPUTS }, (_, c) => Math.sin(r * 31 + c) * 10));
}

async function throughputCost(env: PlatformEnv): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-bench-drift-'));
  const modelPath = path.join(dir, 'mlp.onnx');
  await writeFile(modelPath, buildMlp({ inputs: INPUTS, hidden: 64, outputs: 4, seed: 1 }));
  // The variant id names no row: the worker (not running here) would drop these windows; the replica still pays for them.
  const collecting = await startRuntime({
    modelPath,
    name: 'bench',
    env: { SLIPWAY_VARIANT_ID: randomUUID(), SLIPWAY_DRIFT_WINDOW_MS: '1000', REDIS_URL: env.redisUrl, SLIPWAY_PREFIX: `${env.prefix}-drift-bench` },
  });
  const plain = await startRuntime({ modelPath, name: 'bench', env: { SLIPWAY_DRIFT_WINDOW_MS: '0' } });
  try {
    for (const batch of [1, 32]) {
      const body = JSON.stringify({ inputs: { features: rows(batch) } });
      const results: LoadResult[] = [];
      // Alternating turns, so a slower moment of a shared machine hits both alike.
      for (let turn = 0; turn < 2; turn++) {
        for (const [label, runtime] of [
          ['without collector', plain],
          ['with collector', collecting],
        ] as const) {
          results.push(
            await load(`batch ${batch}, ${label} (turn ${turn + 1})`, { url: `${runtime.address}/predict`, body, connections: 8, seconds: SECONDS / 2 }),
          );
        }
      }
      printTable(`Replica throughput, ${batch} row(s) of ${INPUTS} features per request`, results);
      const mean = (label: string) => {
        const own = results.filter((r) => r.label.includes(label));
        return own.reduce((s, r) => s + r.throughput, 0) / own.length;
      };
      const ratio = mean('with collector') / mean('without collector');
      console.log(
        `batch ${batch}: collecting serves ${(ratio * 100).toFixed(1)} % of the requests per second of not collecting (cost ${((1 - ratio) * 100).toFixed(1)} %, target ≤ 5 %)`,
      );
    }
  } finally {
    await Promise.all([collecting.stop(), plain.stop()]);
  }
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
  collectorHeap();
}
