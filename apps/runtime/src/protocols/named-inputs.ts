import { checkInputNames, flattenNested, nestValues, tensorDataToJson, toTensorValue, type ModelSignature } from '@slipway/core';
import { z } from 'zod';
import type { Feeds, Outputs } from '../model';
import { badRequest, describeIssue } from './errors';

const predictRequestSchema = z.object({ inputs: z.record(z.string(), z.unknown()) });

/** Slipway's plain JSON: `{"inputs": {"features": [[…], …]}}`, nested arrays in each input's shape. */
export function parsePredictRequest(signature: ModelSignature, body: unknown): Feeds {
  const parsed = predictRequestSchema.safeParse(body);
  if (!parsed.success) throw badRequest(`${describeIssue(parsed.error)} (expected {"inputs": {"<input name>": [[…]]}})`);
  return namedFeeds(signature, parsed.data.inputs);
}

export function namedFeeds(signature: ModelSignature, inputs: Record<string, unknown>): Feeds {
  checkInputNames(signature, Object.keys(inputs));
  const feeds: Feeds = {};
  for (const spec of signature.inputs) {
    const { shape, values } = flattenNested(spec.name, inputs[spec.name]);
    feeds[spec.name] = toTensorValue(spec, shape, values);
  }
  return feeds;
}

/** Each output as nested arrays in its shape. */
export function nestedOutputs(outputs: Outputs): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    result[name] = nestValues(tensorDataToJson(tensor.dtype, tensor.data), tensor.shape);
  }
  return result;
}
