import { checkInputNames, InvalidInputError, nestedToTensorValue, nestValues, tensorDataToJson, type ModelSignature } from '@slipway/core';
import { z } from 'zod';
import type { Feeds, Outputs } from '../runner';
import { badRequest } from './errors';

const predictRequestSchema = z.union([
  z.object({ inputs: z.record(z.string(), z.unknown()) }),
  z.object({ features: z.union([z.record(z.string(), z.array(z.unknown())), z.array(z.record(z.string(), z.unknown()))]) }),
]);

/**
 * Slipway's plain JSON: `{"inputs": {"<input>": [[…], …]}}` in each input's shape, or — when the
 * version's manifest names the features — `{"features": {"sepal_length": [5.1, …], …}}` (columns)
 * or `{"features": [{"sepal_length": 5.1, …}, …]}` (rows).
 */
export function parsePredictRequest(signature: ModelSignature, body: unknown, featureNames: readonly string[] | undefined): Feeds {
  const parsed = predictRequestSchema.safeParse(body);
  if (!parsed.success) {
    const hint = featureNames ? '{"inputs": {"<input name>": [[…]]}} or {"features": {"<feature>": […]}}' : '{"inputs": {"<input name>": [[…]]}}';
    throw badRequest(`expected ${hint}`);
  }
  if ('inputs' in parsed.data) return namedFeeds(signature, parsed.data.inputs);
  if (!featureNames) throw badRequest('this version\'s manifest names no features: send {"inputs": {"<input name>": [[…]]}}');
  return namedFeeds(signature, { [signature.inputs[0]!.name]: featureRows(parsed.data.features, featureNames) });
}

/** Named features, as columns or rows, into rows of values in the manifest's feature order. */
function featureRows(features: Record<string, unknown[]> | Record<string, unknown>[], names: readonly string[]): unknown[][] {
  const rows = Array.isArray(features) ? features : columnsToRows(features, names);
  return rows.map((row, i) => {
    const unknown = Object.keys(row).find((k) => !names.includes(k));
    if (unknown !== undefined) throw new InvalidInputError(`row ${i}: unknown feature '${unknown}'; the features are ${names.join(', ')}`);
    return names.map((name) => {
      if (!(name in row)) throw new InvalidInputError(`row ${i}: missing feature '${name}'`);
      return row[name];
    });
  });
}

function columnsToRows(columns: Record<string, unknown[]>, names: readonly string[]): Record<string, unknown>[] {
  const unknown = Object.keys(columns).find((k) => !names.includes(k));
  if (unknown !== undefined) throw new InvalidInputError(`unknown feature '${unknown}'; the features are ${names.join(', ')}`);
  const missing = names.find((n) => !(n in columns));
  if (missing !== undefined) throw new InvalidInputError(`missing feature '${missing}'`);
  const length = columns[names[0]!]!.length;
  const ragged = names.find((n) => columns[n]!.length !== length);
  if (ragged !== undefined) throw new InvalidInputError(`feature '${ragged}' has ${columns[ragged]!.length} values, '${names[0]}' has ${length}`);
  return Array.from({ length }, (_, i) => Object.fromEntries(names.map((n) => [n, columns[n]![i]])));
}

export function namedFeeds(signature: ModelSignature, inputs: Record<string, unknown>): Feeds {
  checkInputNames(signature, Object.keys(inputs));
  const feeds: Feeds = {};
  for (const spec of signature.inputs) {
    feeds[spec.name] = nestedToTensorValue(spec, inputs[spec.name]);
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
