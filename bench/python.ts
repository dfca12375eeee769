// Python models: the same scikit-learn pipeline (StandardScaler + LogisticRegression on iris) behind (a) a FastAPI
// app on uvicorn, one worker (when Debian's python3-fastapi and python3-uvicorn are installed), (b) Slipway's Python
// runtime called directly (batching on), at 1, 16 and 64 connections in one run; then the Node↔Python hop: one
// row through the runner's pipe (PythonRunner.run, no HTTP) against `predict` called in the Python process itself.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelSignature } from '@slipway/core';
import { resolveBwrap } from '@slipway/environments';
import { startRuntime } from '@slipway/testkit';
import { PythonRunner } from '../apps/runtime/src/runners/python/python-runner';
import { freePort } from '../scripts/lib/launch';
import type { PlatformEnv } from '../scripts/lib/platform';
import { inProcess, type LoadResult, load, printTable } from './lib/load';
import { until } from './lib/until';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = [1, 16, 64] as const;
const SYSTEM_PYTHON = '/usr/bin/python3';
const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const BODY = JSON.stringify({ inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } });
const HOP_CALLS = 2_000;

const SIGNATURE: ModelSignature = {
  inputs: [{ name: 'features', dtype: 'float32', shape: [null, 4] }],
  outputs: [
    { name: 'label', dtype: 'int64', shape: [null] },
    { name: 'probabilities', dtype: 'float32', shape: [null, 3] },
  ],
};

/** Trains the pipeline and writes the predictor folder; prints p50 ms of `predict` on one row called in-process. */
const PREPARE = String.raw`
import os, pickle, sys, time
import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
out, calls = sys.argv[1], int(sys.argv[2])
iris = load_iris()
pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(iris.data.astype(np.float32), iris.target)
pickle.dump(pipeline, open(os.path.join(out, "model.pkl"), "wb"))
open(os.path.join(out, "iris_model.py"), "w").write('''
import os, pickle
class Model:
    def load(self, model_dir):
        self.pipeline = pickle.load(open(os.path.join(model_dir, "model.pkl"), "rb"))
    def predict(self, inputs):
        x = inputs["features"]
        return {"label": self.pipeline.predict(x), "probabilities": self.pipeline.predict_proba(x)}
''')
sys.path.insert(0, out)
import iris_model
model = iris_model.Model(); model.load(out)
x = {"features": np.asarray([[5.1, 3.5, 1.4, 0.2]], dtype=np.float32)}
for _ in range(200): model.predict(x)
times = []
for _ in range(calls):
    t = time.perf_counter(); model.predict(x); times.append(time.perf_counter() - t)
times.sort()
print(times[len(times) // 2] * 1000)
`;

async function startFastApi(modelDir: string): Promise<{ url: string; stop(): void } | string> {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import fastapi, uvicorn'], { stdio: 'ignore' });
  } catch {
    return 'python3-fastapi and python3-uvicorn are not installed (apt-get install -y python3-fastapi python3-uvicorn)';
  }
  const port = await freePort();
  const child = spawn(SYSTEM_PYTHON, [path.join(BENCH_DIR, 'lib', 'fastapi_sklearn.py'), String(port), modelDir], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await until(
    'FastAPI baseline',
    async () =>
      (await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )) || undefined,
    60_000,
  );
  return { url, stop: () => child.kill('SIGTERM') };
}

export async function benchPython(_env: PlatformEnv): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-bench-python-'));
  const inProcessP50 = Number(execFileSync(SYSTEM_PYTHON, ['-c', PREPARE, dir, String(HOP_CALLS)], { encoding: 'utf8' }).trim());
  const runtime = await startRuntime({ modelPath: dir, name: 'iris', python: { predictor: 'iris_model:Model', signature: SIGNATURE } });
  const fastapi = await startFastApi(dir);
  const rows: LoadResult[] = [];
  try {
    for (const connections of CONNECTIONS) {
      if (typeof fastapi !== 'string')
        rows.push(await load('FastAPI + uvicorn (1 worker)', { url: `${fastapi.url}/predict`, body: BODY, connections, seconds: SECONDS }));
      rows.push(await load('Slipway Python runtime, direct', { url: `${runtime.address}/predict`, body: BODY, connections, seconds: SECONDS }));
    }
  } finally {
    if (typeof fastapi !== 'string') fastapi.stop();
    await runtime.stop();
  }
  printTable('The same scikit-learn pipeline, one row per request', rows);
  if (typeof fastapi === 'string') console.log(`FastAPI row skipped: ${fastapi}`);
  else {
    const at16 = (label: string) => rows.find((r) => r.connections === 16 && r.label.startsWith(label))!.throughput;
    console.log(`throughput at 16 connections, Slipway / FastAPI: ${(at16('Slipway') / at16('FastAPI')).toFixed(2)}× (goal ≥ 3×)`);
  }
  console.log('through the gateway: not measured by this benchmark yet (see npm run bench serving for the gateway’s own overhead on ONNX)');

  const runner = await PythonRunner.load({
    python: SYSTEM_PYTHON,
    modelDir: dir,
    predictor: 'iris_model:Model',
    signature: SIGNATURE,
    bwrap: resolveBwrap('auto'),
    predictTimeoutMs: 60_000,
    log: () => {},
    onDeath: () => {},
  });
  try {
    const feeds = { features: { dtype: 'float32' as const, shape: [1, 4], data: new Float32Array([5.1, 3.5, 1.4, 0.2]) } };
    const hop = await inProcess('PythonRunner.run (Node → pipe → Python → pipe → Node)', () => runner.run(feeds), HOP_CALLS);
    printTable('One row, one caller: through the pipe vs predict in the Python process', [
      {
        label: 'predict called in the Python process',
        connections: 1,
        requests: HOP_CALLS,
        throughput: 1000 / inProcessP50,
        p50: inProcessP50,
        p99: Number.NaN,
        errors: 0,
      },
      hop,
    ]);
    console.log(
      `Node↔Python hop at p50: ${(hop.p50 - inProcessP50).toFixed(3)} ms (goal ≤ 0.1 ms); ratio ${(hop.p50 / inProcessP50).toFixed(2)}× the in-process predict`,
    );
  } finally {
    await runner.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
