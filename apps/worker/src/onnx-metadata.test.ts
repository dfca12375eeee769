import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildCnn, buildEmbedding } from '@slipway/onnx-builder';
import { describe, expect, it } from 'vitest';
import { readOnnxMetadata } from './onnx-metadata';

describe('readOnnxMetadata', () => {
  it('reads IR version, producer, opsets and the distinct operators', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'slipway-onnx-meta-'));
    const file = path.join(dir, 'cnn.onnx');
    await writeFile(file, buildCnn({ seed: 1, dense: 32 }));
    expect(await readOnnxMetadata(file)).toEqual({
      irVersion: 8,
      producer: '@slipway/onnx-builder',
      opsets: [{ domain: '', version: 17 }],
      operators: ['Conv', 'Flatten', 'Gemm', 'MaxPool', 'Relu'],
    });
  });

  it('needs only the model file, not its external weights', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'slipway-onnx-meta-'));
    const file = path.join(dir, 'embedding.onnx');
    // The weights file is absent: reading the graph must not touch it.
    await writeFile(file, buildEmbedding({ rows: 1_000_000, dim: 64, weightsFile: 'missing.bin' }));
    expect((await readOnnxMetadata(file)).operators).toEqual(['Gather']);
  });
});
