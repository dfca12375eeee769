import { exampleInputs, nestedToTensorValue, nestValues, tensorDataToJson, type ModelExample, type ModelSignature, type TensorData } from '@slipway/core';
import type * as ort from 'onnxruntime-node';

type Session = Pick<ort.InferenceSession, 'run'>;
type TensorCtor = new (type: string, data: ort.Tensor.DataType, dims: readonly number[]) => ort.Tensor;

/**
 * The worked example of a version's API docs: one row that fits the signature (the reference data's means
 * for named features when there are some, zeros otherwise) run through the model, request and response
 * kept as nested JSON. A model that fails on it still gets an example, without outputs.
 */
export async function recordExample(
  deps: { session: Session; Tensor: TensorCtor },
  signature: ModelSignature,
  options: { features?: readonly string[]; featureMeans?: Record<string, number> },
): Promise<ModelExample> {
  const inputs = exampleInputs(signature, { features: options.features, featureValues: options.featureMeans });
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of signature.inputs) {
    const value = nestedToTensorValue(spec, inputs[spec.name]);
    feeds[spec.name] = new deps.Tensor(value.dtype, value.data as ort.Tensor.DataType, value.shape);
  }
  try {
    const results = await deps.session.run(feeds);
    const outputs = Object.fromEntries(
      signature.outputs.map((spec) => {
        const tensor = results[spec.name]!;
        return [spec.name, nestValues(tensorDataToJson(spec.dtype, tensor.data as TensorData), tensor.dims)];
      }),
    );
    return { source: 'recorded', inputs, outputs };
  } catch {
    return { source: 'generated', inputs, outputs: null };
  }
}

/** Means of the reference data's numeric columns, by name. */
export function numericMeans(columns: readonly { name: string; kind: string; mean?: number }[] | undefined): Record<string, number> {
  return Object.fromEntries((columns ?? []).flatMap((c) => (c.kind === 'numeric' && c.mean !== undefined ? [[c.name, c.mean]] : [])));
}
