import { describe, expect, it } from 'vitest';
import { mlflowSignature } from './mlflow-python';

describe('an MLflow model’s signature', () => {
  it('keeps tensor specs (names, numpy dtypes, -1 as dynamic), naming unnamed ones input / predictions', () => {
    const signature = mlflowSignature(
      {
        inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]',
        outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]',
      },
      'MLmodel',
    );
    expect(signature).toEqual({
      inputs: [{ name: 'input', dtype: 'float32', shape: [null, 4] }],
      outputs: [{ name: 'predictions', dtype: 'int64', shape: [null] }],
    });
  });

  it('turns named columns into one input tensor of one column each, and a column output into predictions', () => {
    const columns = ['sepal length', 'sepal width', 'petal length', 'petal width'].map((name) => ({ type: 'double', name, required: true }));
    const signature = mlflowSignature({ inputs: JSON.stringify(columns), outputs: '[{"type": "long", "required": true}]' }, 'MLmodel');
    expect(signature).toEqual({
      inputs: [{ name: 'input', dtype: 'float64', shape: [null, 4] }],
      outputs: [{ name: 'predictions', dtype: 'int64', shape: [null] }],
    });
  });

  it('refuses a model logged without a signature, saying how to log one', () => {
    expect(() => mlflowSignature(undefined, 'model/MLmodel')).toThrow(/model\/MLmodel has no signature .*infer_signature/);
  });
});
