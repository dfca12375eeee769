import { InvalidInputError, type ModelSignature } from '@slipway/core';
import { z } from 'zod';
import type { Feeds, Outputs } from '../model';
import { badRequest, describeIssue } from './errors';
import { namedFeeds, nestedOutputs } from './named-inputs';

const v1RequestSchema = z.object({ instances: z.array(z.unknown()).min(1) });

/**
 * KServe V1 `{"instances": [...]}`: one instance per row. A single-input model takes each instance
 * as that input's row; a multi-input model takes objects keyed by input name.
 */
export function parseV1Request(signature: ModelSignature, body: unknown): Feeds {
  const parsed = v1RequestSchema.safeParse(body);
  if (!parsed.success) throw badRequest(`${describeIssue(parsed.error)} (expected {"instances": [...]})`);
  const { instances } = parsed.data;
  if (signature.inputs.length === 1) return namedFeeds(signature, { [signature.inputs[0]!.name]: instances });
  const columns: Record<string, unknown[]> = {};
  instances.forEach((instance, row) => {
    if (typeof instance !== 'object' || instance === null || Array.isArray(instance)) {
      throw new InvalidInputError(`instance ${row}: expected an object keyed by input name (the model has ${signature.inputs.length} inputs)`);
    }
    for (const [name, value] of Object.entries(instance)) (columns[name] ??= []).push(value);
  });
  const incomplete = Object.entries(columns).find(([, values]) => values.length !== instances.length);
  if (incomplete) throw new InvalidInputError(`input '${incomplete[0]}' is missing from some instances`);
  return namedFeeds(signature, columns);
}

/** `{"predictions": [...]}`: a row per instance; with several outputs, each row is an object of them. */
export function v1Response(outputs: Outputs) {
  const nested = nestedOutputs(outputs) as Record<string, unknown[]>;
  const names = Object.keys(nested);
  if (names.length === 1) return { predictions: nested[names[0]!] };
  const rows = nested[names[0]!]?.length ?? 0;
  return {
    predictions: Array.from({ length: rows }, (_, i) => Object.fromEntries(names.map((n) => [n, nested[n]![i]]))),
  };
}
