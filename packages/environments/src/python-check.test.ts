import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ModelSignature } from '@slipway/core';
import { afterAll, describe, expect, it } from 'vitest';
import { SYSTEM_PYTHON } from './build';
import { checkPredictor } from './python-check';
import { resolveBwrap } from './sandbox';

/*
 * The check a version's inspection runs (the runner script's --check, in the sandbox) and the Python client's local
 * check (`python -m slipway check`) on the same model folders, with Debian's python3 and numpy.
 */

const CLIENT_SRC = path.resolve(import.meta.dirname, '../../../clients/python/src');

const PREDICTOR = `
import numpy as np

class Model:
    def load(self, model_dir):
        self.scale = 2.0

    async def predict(self, inputs):
        x = inputs["x"]
        if MODE == "raise":
            raise ValueError("the model refuses")
        rows = x[:0] if MODE == "shape" else x
        return {"y": rows * self.scale}
`;

const MANIFEST = `runtime: python
predictor: model:Model
signature:
  inputs: [{name: x, datatype: FP32, shape: [-1, 2]}]
  outputs: [{name: y, datatype: FP64, shape: [-1, 2]}]
example:
  x: [[1.5, 2]]
`;

const SIGNATURE: ModelSignature = {
  inputs: [{ name: 'x', dtype: 'float32', shape: [null, 2] }],
  outputs: [{ name: 'y', dtype: 'float64', shape: [null, 2] }],
};

describe('checking a Python predictor before serving it', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'slipway-check-test-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function model(mode: 'ok' | 'raise' | 'shape'): string {
    const dir = path.join(root, mode);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'model.py'), `MODE = ${JSON.stringify(mode)}\n${PREDICTOR}`);
    writeFileSync(path.join(dir, 'slipway.yaml'), MANIFEST);
    return dir;
  }
  const inspect = (dir: string) =>
    checkPredictor({
      python: SYSTEM_PYTHON,
      modelDir: dir,
      predictor: 'model:Model',
      signature: SIGNATURE,
      inputs: { x: { dtype: 'float32', shape: [1, 2], data: [1.5, 2] } },
      bwrap: resolveBwrap('auto'),
      timeoutMs: 30_000,
    });
  const clientCheck = (dir: string) =>
    spawnSync(SYSTEM_PYTHON, ['-m', 'slipway', 'check', dir], { env: { PATH: '/usr/bin:/bin', PYTHONPATH: CLIENT_SRC }, encoding: 'utf8' });

  it('answers the outputs of a predictor that fits its signature, in inspection and in the client alike', async () => {
    const dir = model('ok');
    expect(await inspect(dir)).toMatchObject({ ok: true, outputs: { y: { shape: [1, 2], data: [3, 4] } } });
    const client = clientCheck(dir);
    expect(client.status).toBe(0);
    expect(client.stdout).toContain('y: float64 [1, 2] [[3.0, 4.0]]');
  });

  it('reports a raising predictor with the last frames of its traceback', async () => {
    const dir = model('raise');
    const result = await inspect(dir);
    expect(result).toMatchObject({ ok: false, stage: 'predict', errorType: 'ValueError', message: 'the model refuses' });
    expect(result.ok === false && result.traceback).toMatch(/File "\/model\/model\.py", line \d+, in predict\n.*\nValueError: the model refuses$/s);
    const client = clientCheck(dir);
    expect(client.status).toBe(1);
    expect(client.stderr).toContain('ValueError: the model refuses');
  });

  it('refuses outputs of the wrong shape, saying which output and both shapes', async () => {
    const dir = model('shape');
    expect(await inspect(dir)).toMatchObject({
      ok: false,
      stage: 'outputs',
      message: "output 'y' has shape [0, 2] for 1 input rows, the signature declares [None, 2]",
    });
    const client = clientCheck(dir);
    expect(client.status).toBe(1);
    expect(client.stderr).toBe("check failed: output 'y' has shape [0, 2] for 1 input rows, the signature declares [None, 2]\n");
  });
});
