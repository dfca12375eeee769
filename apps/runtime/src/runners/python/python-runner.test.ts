import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DType, ModelSignature, TensorData } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { createInference } from '../../inference';
import type { Feeds } from '../../runner';
import { RunnerPool } from '../pool';
import { PythonRunner } from './python-runner';
import { resolveBwrap } from '@slipway/environments';

/*
 * The Python runner on its own, with Debian's python3 and numpy: every datatype crosses the pipe both ways
 * (numpy.frombuffer in, raw buffers out) and comes back as it went.
 */

const ECHO = `
import numpy as np

class Echo:
    def predict(self, inputs):
        seen = ",".join(f"{name}:{array.dtype.str}:{list(array.shape)}" for name, array in sorted(inputs.items()))
        return {**inputs, "seen": np.array([seen] * len(inputs["f32"]), dtype=object)}
`;

const TENSORS: [DType, TensorData][] = [
  ['bool', new Uint8Array([1, 0])],
  ['int8', new Int8Array([-128, 127])],
  ['int16', new Int16Array([-32768, 32767])],
  ['int32', new Int32Array([-(2 ** 31), 2 ** 31 - 1])],
  ['int64', new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n])],
  ['uint8', new Uint8Array([0, 255])],
  ['uint16', new Uint16Array([0, 65535])],
  ['uint32', new Uint32Array([0, 2 ** 32 - 1])],
  ['uint64', new BigUint64Array([0n, 2n ** 64n - 1n])],
  ['float16', new Uint16Array([0x3c00, 0xc000])], // 1.0 and -2.0 as half bits
  ['float32', new Float32Array([1.5, -0.25])],
  ['float64', new Float64Array([Math.PI, -Number.MAX_VALUE])],
  ['string', ['héllo', '']],
];

const NAMES: Record<DType, string> = {
  bool: 'b',
  int8: 'i8',
  int16: 'i16',
  int32: 'i32',
  int64: 'i64',
  uint8: 'u8',
  uint16: 'u16',
  uint32: 'u32',
  uint64: 'u64',
  float16: 'f16',
  float32: 'f32',
  float64: 'f64',
  string: 's',
};

describe('the Python runner', () => {
  it('hands every datatype to predict as numpy arrays and takes them back unchanged, under bubblewrap or not', async () => {
    const modelDir = mkdtempSync(path.join(tmpdir(), 'slipway-python-echo-'));
    writeFileSync(path.join(modelDir, 'echo.py'), ECHO);
    const specs = TENSORS.map(([dtype]) => ({ name: NAMES[dtype], dtype, shape: [null] }));
    const signature: ModelSignature = { inputs: specs, outputs: [...specs, { name: 'seen', dtype: 'string', shape: [null] }] };
    const feeds: Feeds = Object.fromEntries(TENSORS.map(([dtype, data]) => [NAMES[dtype], { dtype, shape: [2], data }]));

    for (const bwrap of [undefined, resolveBwrap('on')]) {
      const logs: string[] = [];
      const runner = await PythonRunner.load({
        python: '/usr/bin/python3',
        modelDir,
        predictor: 'echo:Echo',
        signature,
        bwrap,
        predictTimeoutMs: 60_000,
        log: (msg, fields) => logs.push(JSON.stringify({ msg, ...fields })),
        onDeath: () => logs.push('died'),
      });
      try {
        const outputs = await runner.run(feeds);
        for (const [dtype, data] of TENSORS) {
          expect(outputs[NAMES[dtype]], dtype).toEqual({ dtype, shape: [2], data });
        }
        expect((outputs.seen!.data as string[])[0]).toBe(
          'b:|b1:[2],f16:<f2:[2],f32:<f4:[2],f64:<f8:[2],i16:<i2:[2],i32:<i4:[2],i64:<i8:[2],i8:|i1:[2],s:|O:[2],u16:<u2:[2],u32:<u4:[2],u64:<u8:[2],u8:|u1:[2]',
        );
      } finally {
        await runner.close();
      }
      // Loaded, and closing is not mistaken for a death.
      expect(logs).toHaveLength(1);
      expect(JSON.parse(logs[0]!)).toMatchObject({ msg: 'python predictor loaded', sandboxed: bwrap !== undefined });
    }
  });

  it('is handed a batch of concurrent requests as one predict call, and each caller gets its own rows back', async () => {
    const modelDir = mkdtempSync(path.join(tmpdir(), 'slipway-python-batch-'));
    writeFileSync(
      path.join(modelDir, 'counter.py'),
      'import numpy as np\n\nclass Counter:\n    def predict(self, inputs):\n        x = inputs["x"]\n        return {"y": x + 1, "batch": np.full(len(x), len(x))}\n',
    );
    const runner = await PythonRunner.load({
      python: '/usr/bin/python3',
      modelDir,
      predictor: 'counter:Counter',
      signature: {
        inputs: [{ name: 'x', dtype: 'float32', shape: [null, 1] }],
        outputs: [
          { name: 'y', dtype: 'float32', shape: [null, 1] },
          { name: 'batch', dtype: 'int32', shape: [null] },
        ],
      },
      bwrap: resolveBwrap('auto'),
      predictTimeoutMs: 60_000,
      log: () => {},
      onDeath: () => {},
    });
    try {
      const batches: number[] = [];
      const inference = createInference({ runner, batching: { maxBatchSize: 8, maxQueueDelayMs: 0 }, onBatch: (rows) => batches.push(rows) });
      const answers = await Promise.all([1, 2, 3, 4].map((v) => inference.infer({ x: { dtype: 'float32', shape: [1, 1], data: new Float32Array([v]) } })));
      expect(answers.map((a) => [...(a.y!.data as Float32Array)])).toEqual([[2], [3], [4], [5]]);
      // The first request finds Python idle and runs alone; the other three wait for it and share the next call.
      expect(batches).toEqual([1, 3]);
      expect(answers.map((a) => [...(a.batch!.data as Int32Array)])).toEqual([[1], [3], [3], [3]]);
    } finally {
      await runner.close();
    }
  });

  it('runs batches side by side on a replica with concurrency 2: two Python processes, each its own batch', async () => {
    const modelDir = mkdtempSync(path.join(tmpdir(), 'slipway-python-pool-'));
    writeFileSync(
      path.join(modelDir, 'who.py'),
      'import random\nimport numpy as np\n\nclass Who:\n    def load(self, model_dir):\n        self.me = random.SystemRandom().randrange(1, 2**31)\n\n' +
        '    def predict(self, inputs):\n        x = inputs["x"]\n        return {"y": x + 1, "process": np.full(len(x), self.me, dtype=np.int32)}\n',
    );
    const loadOne = () =>
      PythonRunner.load({
        python: '/usr/bin/python3',
        modelDir,
        predictor: 'who:Who',
        signature: {
          inputs: [{ name: 'x', dtype: 'float32', shape: [null, 1] }],
          outputs: [
            { name: 'y', dtype: 'float32', shape: [null, 1] },
            { name: 'process', dtype: 'int32', shape: [null] },
          ],
        },
        bwrap: resolveBwrap('auto'),
        predictTimeoutMs: 60_000,
        log: () => {},
        onDeath: () => {},
      });
    const runner = await RunnerPool.load(2, loadOne);
    try {
      expect(runner.concurrency).toBe(2);
      const batches: number[] = [];
      const inference = createInference({ runner, batching: { maxBatchSize: 8, maxQueueDelayMs: 0 }, onBatch: (rows) => batches.push(rows) });
      const answers = await Promise.all([1, 2, 3, 4].map((v) => inference.infer({ x: { dtype: 'float32', shape: [1, 1], data: new Float32Array([v]) } })));
      expect(answers.map((a) => [...(a.y!.data as Float32Array)])).toEqual([[2], [3], [4], [5]]);
      // The first two requests each find a process idle and run at once, side by side; the other two share the next call.
      expect(batches).toEqual([1, 1, 2]);
      const processes = answers.map((a) => (a.process!.data as Int32Array)[0]);
      expect(new Set(processes.slice(0, 2)).size).toBe(2);
    } finally {
      await runner.close();
    }
  });
});
