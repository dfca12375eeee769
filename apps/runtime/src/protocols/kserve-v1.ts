import { InvalidInputError, type ModelSignature } from '@slipway/core';
import { z } from 'zod';
import type { Feeds, Outputs } from '../runner';
import { json, type ProtocolRoutes } from './context';
import { badRequest, describeIssue } from './errors';
import { checkServedModel } from './model-path';
import { namedFeeds, nestedOutputs } from './named-inputs';

const V1_MODEL = /^\/v1\/models\/([^/:]+)(:predict)?$/;

/** KServe V1: `GET /v1/models/<name>` (readiness) and `POST /v1/models/<name>:predict`. */
export const kserveV1Routes: ProtocolRoutes = async ({ method, path, readBody }, { model, inference, state }) => {
  const match = V1_MODEL.exec(path);
  if (!match) return undefined;
  const [, name, predict] = match;
  checkServedModel(model, name!, undefined);
  if (method === 'GET' && !predict) return json(200, { name: model.name, ready: !state.draining });
  if (method === 'POST' && predict) {
    const feeds = parseV1Request(model.signature, await readBody());
    return json(200, v1Response(await inference.infer(feeds)));
  }
  return undefined;
};

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
