import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { at, must } from '@slipway/core';
import { DTYPES, IRIS, buildAllTypesEcho, buildCnn, buildEmbedding, buildFixedBatch, buildMlp, buildMultiIo, trainIrisClassifier, type DType } from './index';

const load = (model: Uint8Array) => ort.InferenceSession.create(model);

const metadata = (session: ort.InferenceSession, which: 'inputMetadata' | 'outputMetadata') =>
  session[which].map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name }));

const output = (outputs: ort.InferenceSession.ReturnType, name: string) => must(outputs[name], `output '${name}'`);

const argmax = (row: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (at(row, i) > at(row, best)) best = i;
  return best;
};

/** Checks softmax rows sum to 1 and `label` is each row's arg-max; returns the labels. */
function checkClassifierOutputs(outputs: ort.InferenceSession.ReturnType, rows: number, classes: number): number[] {
  const probabilities = output(outputs, 'probabilities');
  const label = output(outputs, 'label');
  expect(probabilities.dims).toEqual([rows, classes]);
  expect(label.type).toBe('int64');
  expect(label.dims).toEqual([rows]);
  const p = probabilities.data as Float32Array;
  const labels = Array.from(label.data as BigInt64Array, Number);
  for (let r = 0; r < rows; r++) {
    const row = p.subarray(r * classes, (r + 1) * classes);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(labels[r]).toBe(argmax(row));
  }
  return labels;
}

describe('buildMlp', () => {
  it('runs in onnxruntime with a dynamic batch', async () => {
    const session = await load(buildMlp({ inputs: 5, hidden: 16, outputs: 4, seed: 1 }));
    expect(metadata(session, 'inputMetadata')).toEqual([{ name: 'features', type: 'float32', shape: ['batch', 5] }]);
    expect(metadata(session, 'outputMetadata')).toEqual([
      { name: 'probabilities', type: 'float32', shape: ['batch', 4] },
      { name: 'label', type: 'int64', shape: ['batch'] },
    ]);

    const rows = 6;
    const features = Float32Array.from({ length: rows * 5 }, (_, i) => Math.sin(i) * 3);
    const outputs = await session.run({ features: new ort.Tensor('float32', features, [rows, 5]) });
    checkClassifierOutputs(outputs, rows, 4);
  });

  it('is deterministic per seed', () => {
    const a = buildMlp({ inputs: 3, hidden: 4, outputs: 2, seed: 9 });
    expect(buildMlp({ inputs: 3, hidden: 4, outputs: 2, seed: 9 })).toEqual(a);
    expect(buildMlp({ inputs: 3, hidden: 4, outputs: 2, seed: 10 })).not.toEqual(a);
  });

  it('supports a fixed batch size', async () => {
    const session = await load(buildMlp({ inputs: 2, hidden: 3, outputs: 2, seed: 1, batch: 5 }));
    expect(metadata(session, 'inputMetadata')).toEqual([{ name: 'features', type: 'float32', shape: [5, 2] }]);
  });
});

describe('buildFixedBatch', () => {
  it('has no dynamic dimension and rejects other batch sizes', async () => {
    const session = await load(buildFixedBatch());
    expect(metadata(session, 'inputMetadata')).toEqual([{ name: 'features', type: 'float32', shape: [1, 4] }]);
    expect(metadata(session, 'outputMetadata')).toContainEqual({ name: 'probabilities', type: 'float32', shape: [1, 3] });

    const one = await session.run({ features: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [1, 4]) });
    checkClassifierOutputs(one, 1, 3);
    await expect(session.run({ features: new ort.Tensor('float32', new Float32Array(8), [2, 4]) })).rejects.toThrow();
  });
});

describe('buildCnn', () => {
  it('maps [2, 1, 28, 28] images to finite [2, 10] logits', async () => {
    const session = await load(buildCnn({ seed: 3 }));
    expect(metadata(session, 'inputMetadata')).toEqual([{ name: 'image', type: 'float32', shape: ['batch', 1, 28, 28] }]);

    const image = Float32Array.from({ length: 2 * 28 * 28 }, (_, i) => (i % 17) / 17);
    const logits = output(await session.run({ image: new ort.Tensor('float32', image, [2, 1, 28, 28]) }), 'logits');
    expect(logits.type).toBe('float32');
    expect(logits.dims).toEqual([2, 10]);
    const values = Array.from(logits.data as Float32Array);
    expect(values.every(Number.isFinite)).toBe(true);
    expect(values.some((v) => v !== 0)).toBe(true);
  });

  it('honours channels and size', async () => {
    const session = await load(buildCnn({ seed: 3, channels: 3, size: 32 }));
    const logits = output(await session.run({ image: new ort.Tensor('float32', new Float32Array(3 * 32 * 32), [1, 3, 32, 32]) }), 'logits');
    expect(logits.dims).toEqual([1, 10]);
  });
});

describe('buildMultiIo', () => {
  it('adds a float input to a cast int64 input and doubles the int64 input', async () => {
    const session = await load(buildMultiIo());
    expect(session.inputNames).toEqual(['a', 'b']);
    expect(session.outputNames).toEqual(['sum', 'b_doubled']);

    const a = Float32Array.of(0.5, -1, 2, 10, 20, 30);
    const b = BigInt64Array.of(1n, 2n, 3n, -4n, 5n, 2n ** 40n);
    const ran = await session.run({
      a: new ort.Tensor('float32', a, [2, 3]),
      b: new ort.Tensor('int64', b, [2, 3]),
    });
    const sum = output(ran, 'sum');
    const b_doubled = output(ran, 'b_doubled');
    expect(sum.dims).toEqual([2, 3]);
    expect(Array.from(sum.data as Float32Array)).toEqual([1.5, 1, 5, 6, 25, Math.fround(30 + 2 ** 40)]);
    expect(b_doubled.type).toBe('int64');
    expect(b_doubled.dims).toEqual([2, 3]);
    expect(Array.from(b_doubled.data as BigInt64Array)).toEqual([2n, 4n, 6n, -8n, 10n, 2n ** 41n]);
  });
});

describe('buildAllTypesEcho', () => {
  const samples: Record<DType, ort.Tensor['data']> = {
    bool: Uint8Array.of(1, 0, 0, 1),
    int8: Int8Array.of(-128, 127, 0, -1),
    int16: Int16Array.of(-32768, 32767, 0, -1),
    int32: Int32Array.of(-(2 ** 31), 2 ** 31 - 1, 0, -1),
    int64: BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n),
    uint8: Uint8Array.of(0, 255, 1, 128),
    uint16: Uint16Array.of(0, 65535, 1, 32768),
    uint32: Uint32Array.of(0, 2 ** 32 - 1, 1, 2 ** 31),
    uint64: BigUint64Array.of(0n, 2n ** 64n - 1n, 1n, 2n ** 63n),
    // float16 bit patterns: 1.0, -2.0, largest finite (65504), smallest subnormal
    float16: Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001),
    float32: Float32Array.of(1.5, -0, 3.4e38, 1e-45),
    float64: Float64Array.of(Math.PI, -Number.MAX_VALUE, Number.MIN_VALUE, 0),
    string: ['a', 'héllo', '', '🚀 unicode'],
  };

  it('declares one input and output per dtype', async () => {
    const session = await load(buildAllTypesEcho());
    expect(metadata(session, 'inputMetadata')).toEqual(DTYPES.map((dtype) => ({ name: `x_${dtype}`, type: dtype, shape: ['batch', 2] })));
    expect(session.outputNames).toEqual(DTYPES.map((dtype) => `y_${dtype}`));
  });

  it('round-trips every dtype', async () => {
    const session = await load(buildAllTypesEcho());
    const feeds = Object.fromEntries(DTYPES.map((dtype) => [`x_${dtype}`, new ort.Tensor(dtype, samples[dtype] as never, [2, 2])]));
    const outputs = await session.run(feeds);
    for (const dtype of DTYPES) {
      const y = output(outputs, `y_${dtype}`);
      expect(y.type, dtype).toBe(dtype);
      expect(y.dims, dtype).toEqual([2, 2]);
      expect(y.data.constructor, dtype).toBe(samples[dtype].constructor);
      expect(Array.from(y.data as ArrayLike<unknown>), dtype).toEqual(Array.from(samples[dtype] as ArrayLike<unknown>));
    }
  });
});

describe('trainIrisClassifier', () => {
  const trained = trainIrisClassifier({ seed: 1 });

  it('embeds the 150-row Fisher data set', () => {
    expect(IRIS).toHaveLength(150);
    expect([0, 1, 2].map((species) => IRIS.filter((row) => row[4] === species).length)).toEqual([50, 50, 50]);
  });

  it('reaches at least 95 % training accuracy', () => {
    expect(trained.trainAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('is deterministic', () => {
    expect(trainIrisClassifier({ seed: 1 }).model).toEqual(trained.model);
  });

  it('classifies raw measurements in onnxruntime', async () => {
    const session = await load(trained.model);
    expect(metadata(session, 'inputMetadata')).toEqual([{ name: 'features', type: 'float32', shape: ['batch', 4] }]);
    expect(metadata(session, 'outputMetadata')).toEqual([
      { name: 'probabilities', type: 'float32', shape: ['batch', 3] },
      { name: 'label', type: 'int64', shape: ['batch'] },
    ]);

    const examples = await session.run({
      features: new ort.Tensor('float32', Float32Array.of(5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3), [2, 4]),
    });
    expect(checkClassifierOutputs(examples, 2, 3)).toEqual([0, 2]);

    // The whole data set through onnxruntime agrees with the reported accuracy (float32 may flip one borderline row).
    const all = await session.run({
      features: new ort.Tensor('float32', Float32Array.from(IRIS.flatMap((row) => row.slice(0, 4))), [150, 4]),
    });
    const labels = checkClassifierOutputs(all, 150, 3);
    const accuracy = labels.filter((label, i) => label === IRIS[i]?.[4]).length / 150;
    expect(Math.abs(accuracy - trained.trainAccuracy)).toBeLessThanOrEqual(1 / 150);
  });
});

describe('buildEmbedding', () => {
  it('loads its table from the external data file beside the model', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slipway-embedding-'));
    const table = Float32Array.from({ length: 5 * 3 }, (_, i) => i);
    writeFileSync(path.join(dir, 'table.bin'), new Uint8Array(table.buffer));
    writeFileSync(path.join(dir, 'model.onnx'), buildEmbedding({ rows: 5, dim: 3, weightsFile: 'table.bin' }));
    const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'));
    const { vectors } = await session.run({ ids: new ort.Tensor('int64', BigInt64Array.from([4n, 1n]), [2]) });
    expect(vectors!.dims).toEqual([2, 3]);
    expect(Array.from(vectors!.data as Float32Array)).toEqual([12, 13, 14, 3, 4, 5]);
  });
});
