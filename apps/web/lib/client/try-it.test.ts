import { describe, expect, it } from 'vitest';
import { featureInput, featureRequest, featureValues, readableOutputs } from './try-it';

const iris = {
  inputs: [{ name: 'features', dtype: 'float32', shape: [null, 4] }],
  outputs: [
    { name: 'label', dtype: 'int64', shape: [null] },
    { name: 'probabilities', dtype: 'float32', shape: [null, 3] },
  ],
} as never;
const features = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const labels = ['setosa', 'versicolor', 'virginica'];

describe('try it in the manifest’s words', () => {
  it('names the predicted class and the best score by the manifest’s labels', () => {
    const body = { outputs: { label: [2], probabilities: [[0.01, 0.04, 0.95]] } };
    expect(readableOutputs(body, labels)).toEqual(['label: virginica', 'probabilities: virginica 95.0 %']);
    expect(readableOutputs(body, null)).toEqual([]);
    expect(readableOutputs({ outputs: { label: [7] } }, labels)).toEqual([]);
  });

  it('offers one field per named feature and builds the request from them, starting from the example', () => {
    expect(featureInput(iris, features)).toBe('features');
    expect(featureInput(iris, ['a', 'b'])).toBeNull();
    expect(featureInput(iris, null)).toBeNull();
    const example = { inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } };
    expect(featureValues(example, 'features', 4)).toEqual(['5.1', '3.5', '1.4', '0.2']);
    expect(featureRequest('features', ['6.3', '', '5', '1.8'])).toEqual({ inputs: { features: [[6.3, 0, 5, 1.8]] } });
  });
});
