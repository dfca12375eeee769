import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type ModelSignature, parseExitingLine } from '@slipway/core';
import { type RunningRuntime, startRuntime } from '@slipway/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './test/models';

/*
 * Python models served by real replicas: Debian's python3 with its numpy and scikit-learn (python3-numpy,
 * python3-sklearn) and bubblewrap (bubblewrap) run the predictors written below.
 */

const PYTHON = '/usr/bin/python3';

/** A model directory holding `files` (a predictor module and whatever it loads). */
function modelDir(root: string, name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

/** Resolves with the first line of the replica's log that `matches`, however long after this call it comes. */
function logLine(runtime: RunningRuntime, matches: (line: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: runtime.process.stdout! });
    lines.on('line', (line) => {
      if (!matches(line)) return;
      lines.close();
      resolve(line);
    });
  });
}

const DOUBLER = `
import sys
import numpy as np

class Doubler:
    def load(self, model_dir):
        # A user's print that looks like the runtime's own listening line must stay a log line.
        print('{"msg":"listening","port":1}')
        self.factor = 2.0

    async def predict(self, inputs):
        x = inputs["x"]
        if (x < 0).any():
            raise ValueError("negative inputs are not allowed")
        if x[0, 0] == 99:
            return {"doubled": x[:, :2], "rows": np.arange(len(x))}
        return {"doubled": x * self.factor, "rows": np.arange(len(x))}
`;

const DOUBLER_SIGNATURE: ModelSignature = {
  inputs: [{ name: 'x', dtype: 'float32', shape: [null, 3] }],
  outputs: [
    { name: 'doubled', dtype: 'float32', shape: [null, 3] },
    { name: 'rows', dtype: 'int64', shape: [null] },
  ],
};

describe('a Python predictor served by a replica', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'slipway-python-test-'));
  let runtime: RunningRuntime;

  beforeAll(async () => {
    const dir = modelDir(root, 'doubler', { 'doubler.py': DOUBLER });
    runtime = await startRuntime({ modelPath: dir, name: 'doubler', python: { predictor: 'doubler:Doubler', signature: DOUBLER_SIGNATURE } });
  });
  afterAll(() => runtime?.stop());

  it('answers OIP, /predict and V1 with the predictor’s outputs, cast to the declared datatypes', async () => {
    const metadata = await (await fetch(`${runtime.address}/v2/models/doubler`)).json();
    expect(metadata).toMatchObject({ name: 'doubler', platform: 'slipway_python', inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3] }] });

    const oip = await post(runtime.address, '/v2/models/doubler/infer', {
      inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 0.5, 1.5, 2.5] }],
    });
    expect(oip.status).toBe(200);
    expect(oip.body.outputs).toEqual([
      { name: 'doubled', datatype: 'FP32', shape: [2, 3], data: [2, 4, 6, 1, 3, 5] },
      { name: 'rows', datatype: 'INT64', shape: [2], data: [0, 1] },
    ]);

    const predict = await post(runtime.address, '/predict', { inputs: { x: [[10, 20, 30]] } });
    expect(predict).toMatchObject({ status: 200, body: { outputs: { doubled: [[20, 40, 60]], rows: [0] } } });

    const v1 = await post(runtime.address, '/v1/models/doubler:predict', { instances: [[1, 1, 1]] });
    expect(v1).toMatchObject({ status: 200, body: { predictions: [{ doubled: [2, 2, 2], rows: 0 }] } });
  });

  it('answers concurrent requests (batched into calls of predict) each with its own rows', async () => {
    const rows = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, n, n]);
    const answers = await Promise.all(rows.map((row) => post(runtime.address, '/predict', { inputs: { x: [row] } })));
    expect(answers.map((a) => a.body.outputs.doubled)).toEqual(rows.map((row) => [row.map((v) => v * 2)]));
  });

  it('answers a Python exception as model_error with its type and message, logs the traceback, and keeps serving', async () => {
    const traceback = logLine(runtime, (line) => line.includes('Traceback'));
    const failed = await post(runtime.address, '/predict', { inputs: { x: [[1, -1, 1]] } });
    expect(failed.status).toBe(500);
    expect(failed.body.error).toEqual({ code: 'model_error', message: 'the model failed on this input: ValueError: negative inputs are not allowed' });
    expect(JSON.parse(await traceback)).toMatchObject({ msg: 'python', stream: 'stderr' });

    const oip = await post(runtime.address, '/v2/models/doubler/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], data: [-1, 0, 0] }] });
    expect(oip).toEqual({ status: 500, body: { error: 'the model failed on this input: ValueError: negative inputs are not allowed' } });

    const next = await post(runtime.address, '/predict', { inputs: { x: [[1, 2, 3]] } });
    expect(next).toMatchObject({ status: 200, body: { outputs: { doubled: [[2, 4, 6]] } } });
  });

  it('answers outputs that do not fit the declared signature as model_error', async () => {
    const misfit = await post(runtime.address, '/predict', { inputs: { x: [[99, 1, 1]] } });
    expect(misfit.status).toBe(500);
    expect(misfit.body.error.message).toBe(
      "the model failed on this input: predict's output 'doubled' has shape [1, 2] for 1 input rows, the signature declares [-1, 3]",
    );
    expect((await post(runtime.address, '/predict', { inputs: { x: [[1, 1, 1]] } })).status).toBe(200);
  });

  it('refuses to start when the predictor fails to load, saying why', async () => {
    const dir = modelDir(root, 'broken', {
      'broken.py': 'class Broken:\n    def load(self, model_dir):\n        raise RuntimeError("no weights in " + model_dir)\n',
    });
    const starting = startRuntime({ modelPath: dir, name: 'broken', python: { predictor: 'broken:Broken', signature: DOUBLER_SIGNATURE } });
    await expect(starting).rejects.toThrow(/the predictor broken:Broken failed to load: RuntimeError: no weights in \//);
  });
});

const SKLEARN_TRAIN = `
import json, pickle, sys
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

X, y = load_iris(return_X_y=True)
pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)
with open(sys.argv[1] + "/pipeline.pkl", "wb") as f:
    pickle.dump(pipeline, f)
rows = X[::25]
print(json.dumps({"rows": rows.tolist(), "probabilities": pipeline.predict_proba(rows).tolist(), "labels": pipeline.predict(rows).tolist()}))
`;

const SKLEARN_PREDICTOR = `
import os, pickle

class Pipeline:
    def load(self, model_dir):
        with open(os.path.join(model_dir, "pipeline.pkl"), "rb") as f:
            self.pipeline = pickle.load(f)

    def predict(self, inputs):
        x = inputs["features"]
        return {"probabilities": self.pipeline.predict_proba(x), "label": self.pipeline.predict(x)}
`;

describe('a scikit-learn pipeline served by a Python predictor under bubblewrap', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'slipway-python-test-'));
  let runtime: RunningRuntime;
  let expected: { rows: number[][]; probabilities: number[][]; labels: number[] };

  beforeAll(async () => {
    const dir = modelDir(root, 'iris', { 'iris_model.py': SKLEARN_PREDICTOR });
    expected = JSON.parse(execFileSync(PYTHON, ['-c', SKLEARN_TRAIN, dir], { encoding: 'utf8' }));
    const signature: ModelSignature = {
      inputs: [{ name: 'features', dtype: 'float64', shape: [null, 4] }],
      outputs: [
        { name: 'probabilities', dtype: 'float64', shape: [null, 3] },
        { name: 'label', dtype: 'int64', shape: [null] },
      ],
    };
    runtime = await startRuntime({ modelPath: dir, name: 'iris', python: { predictor: 'iris_model:Pipeline', signature }, env: { SLIPWAY_SANDBOX: 'on' } });
  });
  afterAll(() => runtime?.stop());

  it('answers exactly what scikit-learn’s own predict_proba and predict answer', async () => {
    const oip = await post(runtime.address, '/v2/models/iris/infer', {
      inputs: [{ name: 'features', datatype: 'FP64', shape: [expected.rows.length, 4], data: expected.rows }],
    });
    expect(oip.status).toBe(200);
    const byName = Object.fromEntries(oip.body.outputs.map((o: { name: string; data: number[] }) => [o.name, o.data]));
    expect(byName.probabilities).toEqual(expected.probabilities.flat());
    expect(byName.label).toEqual(expected.labels);

    const predict = await post(runtime.address, '/predict', { inputs: { features: expected.rows } });
    expect(predict.body.outputs).toEqual({ probabilities: expected.probabilities, label: expected.labels });
  });
});

const SNOOP = `
import json, os
import numpy as np

class Snoop:
    def load(self, model_dir):
        self.model_dir = model_dir

    def predict(self, inputs):
        seen = {"env": sorted(os.environ), "cwd": os.getcwd(), "model_files": sorted(os.listdir(self.model_dir))}
        try:
            with open(TARGET) as f:
                seen["secret"] = f.read()
        except OSError as error:
            seen["secret_error"] = type(error).__name__
        seen["data_dir_visible"] = os.path.exists(os.path.dirname(TARGET))
        return {"seen": np.array([json.dumps(seen)] * len(inputs["x"]), dtype=object)}
`;

describe('a Python predictor’s isolation', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'slipway-python-test-'));
  const dataDir = path.join(root, 'data');
  const secretFile = path.join(dataDir, 'credentials.txt');
  const signature: ModelSignature = {
    inputs: [{ name: 'x', dtype: 'float32', shape: [null, 1] }],
    outputs: [{ name: 'seen', dtype: 'string', shape: [null] }],
  };
  const started: RunningRuntime[] = [];

  beforeAll(() => {
    mkdirSync(dataDir);
    writeFileSync(secretFile, 'the platform’s secret');
  });
  afterAll(() => Promise.all(started.map((r) => r.stop())));

  async function snoop(sandbox: 'on' | 'off') {
    const dir = modelDir(root, `snoop-${sandbox}`, { 'snoop.py': `TARGET = ${JSON.stringify(secretFile)}\n${SNOOP}` });
    const runtime = await startRuntime({
      modelPath: dir,
      name: 'snoop',
      token: 'replica-token-0123456789',
      python: { predictor: 'snoop:Snoop', signature },
      // As if the platform's secrets had reached the replica's own environment: the predictor must still not see them.
      env: { SLIPWAY_SANDBOX: sandbox, DATABASE_URL: 'postgresql://postgres:secret@127.0.0.1/slipway', SLIPWAY_INTERNAL_TOKEN: 'internal-secret' },
    });
    started.push(runtime);
    const response = await fetch(`${runtime.address}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...runtime.headers },
      body: JSON.stringify({ inputs: { x: [[1]] } }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { outputs: { seen: string[] } };
    return JSON.parse(body.outputs.seen[0]!);
  }

  it('under bubblewrap sees neither the platform’s data directory nor its environment, only its model and scratch', async () => {
    const seen = await snoop('on');
    expect(seen.secret).toBeUndefined();
    expect(seen.secret_error).toBe('FileNotFoundError');
    expect(seen.data_dir_visible).toBe(false);
    expect(seen.model_files).toEqual(['snoop.py']);
    expect(seen.cwd).toBe('/scratch');
    expect(seen.env).not.toContain('DATABASE_URL');
    expect(seen.env).not.toContain('SLIPWAY_REPLICA_TOKEN');
    expect(seen.env).not.toContain('SLIPWAY_INTERNAL_TOKEN');
    expect(seen.env).not.toContain('REDIS_URL');
  });

  it('without a sandbox still gets only the allowlisted environment, in a scratch directory of its own', async () => {
    const seen = await snoop('off');
    expect(seen.env.filter((name: string) => /URL|TOKEN|SLIPWAY/.test(name))).toEqual([]);
    expect(seen.cwd).toMatch(/slipway-python-/);
  });
});

const SLEEPER = `
import os, threading

class Sleeper:
    def predict(self, inputs):
        x = inputs["x"]
        if x[0, 0] == 7:
            threading.Event().wait()  # stuck for good
        if x[0, 0] == 13:
            os._exit(3)  # as if killed for memory
        return {"doubled": x * 2, "rows": x[:, 0].astype("int64")}
`;

describe('a stuck or dying Python predictor', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'slipway-python-test-'));
  const dir = modelDir(root, 'sleeper', { 'sleeper.py': SLEEPER });
  const start = () =>
    startRuntime({
      modelPath: dir,
      name: 'sleeper',
      python: { predictor: 'sleeper:Sleeper', signature: DOUBLER_SIGNATURE },
      env: { SLIPWAY_PREDICT_TIMEOUT_MS: '1000' },
    });
  let runtime: RunningRuntime;

  beforeAll(async () => {
    runtime = await start();
  });
  afterAll(() => runtime?.stop());

  it('answers model_error past the predict timeout, then the replica exits to be replaced, saying why', async () => {
    expect((await post(runtime.address, '/predict', { inputs: { x: [[1, 2, 3]] } })).status).toBe(200);
    const died = logLine(runtime, (line) => parseExitingLine(line) !== undefined);
    const exited = new Promise<number | null>((resolve) => runtime.process.once('exit', (code) => resolve(code)));
    const stuck = await post(runtime.address, '/predict', { inputs: { x: [[7, 0, 0]] } });
    expect(stuck.status).toBe(500);
    expect(stuck.body.error).toEqual({
      code: 'model_error',
      message: 'the model failed on this input: predict did not answer within 1000 ms; the replica is being replaced',
    });
    expect(parseExitingLine(await died)).toBe('exited because predict did not answer within 1000 ms');
    expect(await exited).toBe(1);
  });

  it('answers model_error when the Python process dies mid-predict, then the replica exits to be replaced', async () => {
    const dying = await start();
    try {
      const died = logLine(dying, (line) => parseExitingLine(line) !== undefined);
      const exited = new Promise<number | null>((resolve) => dying.process.once('exit', (code) => resolve(code)));
      const answer = await post(dying.address, '/predict', { inputs: { x: [[13, 0, 0]] } });
      expect(answer).toEqual({ status: 500, body: { error: { code: 'model_error', message: 'the model failed on this input: the Python process exited' } } });
      expect(parseExitingLine(await died)).toBe('exited because the Python process exited (code 3)');
      expect(await exited).toBe(1);
    } finally {
      await dying.stop();
    }
  });
});
