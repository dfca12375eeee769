import { signatureFromOrtMetadata } from '@slipway/core';
import { buildFailingModel, trainIrisClassifier } from '@slipway/onnx-builder';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { numericMeans, recordExample } from './record-example';

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

async function session(bytes: Uint8Array) {
  const created = await ort.InferenceSession.create(bytes);
  return { session: created, signature: signatureFromOrtMetadata(created.inputMetadata, created.outputMetadata) };
}

describe('recording a version’s docs example with onnxruntime', () => {
  it('runs the reference data’s means through the model and keeps its real answer', async () => {
    const { session: iris, signature } = await session(trainIrisClassifier({ seed: 1 }).model);
    const featureMeans = numericMeans([
      { name: 'sepal_length', kind: 'numeric', mean: 5.006 },
      { name: 'sepal_width', kind: 'numeric', mean: 3.428 },
      { name: 'petal_length', kind: 'numeric', mean: 1.462 },
      { name: 'petal_width', kind: 'numeric', mean: 0.246 },
      { name: 'species', kind: 'categorical' },
    ]);
    const example = await recordExample({ session: iris, Tensor: ort.Tensor }, signature, { features: FEATURES, featureMeans });
    expect(example.source).toBe('recorded');
    expect(example.inputs).toEqual({ features: [[5.006, 3.428, 1.462, 0.246]] });
    // The mean setosa flower is classified as setosa, with probabilities that sum to one.
    expect(example.outputs!.label).toEqual([0]);
    const [probabilities] = example.outputs!.probabilities as number[][];
    expect(probabilities!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    await iris.release();
  });

  it('keeps the example request without a response when the model fails on it', async () => {
    const { session: failing, signature } = await session(buildFailingModel());
    const example = await recordExample({ session: failing, Tensor: ort.Tensor }, signature, {});
    expect(example).toEqual({ source: 'generated', inputs: { features: [[0, 0, 0, 0]] }, outputs: null });
    await failing.release();
  });
});
