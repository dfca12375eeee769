import { z } from 'zod';
import type { DType, ModelSignature, TensorSpec } from '../signature';

/**
 * A worked example for a version's docs, protocol-neutral: each input and output as nested JSON arrays in
 * its shape. `recorded` examples come from a real inference when the version was inspected; `generated`
 * ones are built from the signature alone (versions inspected before examples were recorded).
 */
export const modelExampleSchema = z.object({
  source: z.enum(['recorded', 'generated']),
  inputs: z.record(z.string(), z.unknown()),
  /** null when no inference ran: the docs then show the response's shape without values. */
  outputs: z.record(z.string(), z.unknown()).nullable(),
});
export type ModelExample = z.infer<typeof modelExampleSchema>;

function zero(dtype: DType): number | boolean | string {
  if (dtype === 'bool') return false;
  if (dtype === 'string') return '';
  return 0;
}

function fill(shape: readonly number[], leaf: (index: number) => unknown): unknown {
  let offset = 0;
  const build = (depth: number): unknown => {
    if (depth === shape.length) return leaf(offset++);
    return Array.from({ length: shape[depth]! }, () => build(depth + 1));
  };
  return build(0);
}

/** One row: every dynamic dimension is 1. */
export function exampleShape(spec: TensorSpec): number[] {
  return spec.shape.map((d) => d ?? 1);
}

/**
 * An input that fits the signature, batch 1. When the first input's columns are named features and
 * `featureValues` gives typical values for them (e.g. the reference data's means), its row uses them;
 * every other value is zero (false, "").
 */
export function exampleInputs(
  signature: ModelSignature,
  options: { features?: readonly string[]; featureValues?: Record<string, number> } = {},
): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  signature.inputs.forEach((spec, index) => {
    const shape = exampleShape(spec);
    const { features, featureValues } = options;
    const useFeatures =
      index === 0 &&
      features !== undefined &&
      featureValues !== undefined &&
      (spec.dtype === 'float32' || spec.dtype === 'float64') &&
      shape.at(-1) === features.length;
    inputs[spec.name] = fill(shape, (i) => {
      if (!useFeatures) return zero(spec.dtype);
      const value = featureValues[features[i % features.length]!];
      return value === undefined ? 0 : Math.round(value * 1000) / 1000;
    });
  });
  return inputs;
}

/** Outputs of the signature's shape filled with zeros: a stand-in when no inference was recorded. */
export function placeholderOutputs(signature: ModelSignature): Record<string, unknown> {
  return Object.fromEntries(signature.outputs.map((spec) => [spec.name, fill(exampleShape(spec), () => zero(spec.dtype))]));
}

/** The stored example when there is one, otherwise one generated from the signature. */
export function exampleFor(signature: ModelSignature, stored: unknown, features?: readonly string[]): ModelExample {
  const parsed = modelExampleSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  return { source: 'generated', inputs: exampleInputs(signature, { features }), outputs: null };
}
