import {
  checkInputNames,
  flattenNested,
  fromOipDatatype,
  InvalidInputError,
  tensorDataToJson,
  toOipDatatype,
  toTensorValue,
  type ModelSignature,
} from '@slipway/core';
import { z } from 'zod';
import type { Feeds, Outputs } from '../runner';
import { json, type ProtocolRoutes, type ServedModel } from './context';
import { badRequest, describeIssue } from './errors';
import { checkServedModel } from './model-path';

const OIP_MODEL = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;

/** Open Inference Protocol v2 model endpoints: metadata, readiness and infer, with or without a version. */
export const oipRoutes: ProtocolRoutes = async ({ method, path, readBody }, { model, inference, state }) => {
  const match = OIP_MODEL.exec(path);
  if (!match) return undefined;
  const [, name, version, action] = match;
  checkServedModel(model, name!, version);
  if (method === 'GET' && action === undefined) return json(200, oipModelMetadata(model));
  if (method === 'GET' && action === '/ready') return json(200, { name: model.name, ready: !state.draining });
  if (method === 'POST' && action === '/infer') {
    const request = parseOipInferRequest(model.signature, await readBody());
    const outputs = await inference.infer(request.feeds);
    return json(200, oipInferResponse(model, request, outputs));
  }
  return undefined;
};

const parametersSchema = z.record(z.string(), z.unknown());

const inferRequestSchema = z.object({
  id: z.string().optional(),
  parameters: parametersSchema.optional(),
  inputs: z
    .array(
      z.object({
        name: z.string(),
        shape: z.array(z.number().int().nonnegative()),
        datatype: z.string(),
        parameters: parametersSchema.optional(),
        data: z.unknown(),
      }),
    )
    .min(1),
  outputs: z.array(z.object({ name: z.string(), parameters: parametersSchema.optional() })).optional(),
});

export interface OipInferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  feeds: Feeds;
  requestedOutputs?: string[];
}

/** Open Inference Protocol infer request → validated feeds. `data` may be flat or nested (row-major). */
export function parseOipInferRequest(signature: ModelSignature, body: unknown): OipInferRequest {
  const parsed = inferRequestSchema.safeParse(body);
  if (!parsed.success) throw badRequest(describeIssue(parsed.error));
  const request = parsed.data;
  checkInputNames(
    signature,
    request.inputs.map((i) => i.name),
  );
  const feeds: Feeds = {};
  for (const input of request.inputs) {
    const spec = signature.inputs.find((s) => s.name === input.name)!;
    const dtype = fromOipDatatype(input.datatype);
    if (dtype !== spec.dtype) {
      throw new InvalidInputError(`input '${spec.name}': expected datatype ${toOipDatatype(spec.dtype)}, received ${input.datatype}`);
    }
    const { values } = flattenNested(input.name, input.data);
    feeds[input.name] = toTensorValue(spec, input.shape, values);
  }
  let requestedOutputs: string[] | undefined;
  if (request.outputs) {
    requestedOutputs = request.outputs.map((o) => o.name);
    const known = new Set(signature.outputs.map((o) => o.name));
    const unknown = requestedOutputs.find((name) => !known.has(name));
    if (unknown !== undefined) {
      throw new InvalidInputError(`unknown output '${unknown}'; the model's outputs are ${[...known].map((n) => `'${n}'`).join(', ')}`);
    }
  }
  return { id: request.id, parameters: request.parameters, feeds, requestedOutputs };
}

export function oipInferResponse(model: { name: string; version: string }, request: OipInferRequest, outputs: Outputs) {
  const names = request.requestedOutputs ?? Object.keys(outputs);
  return {
    model_name: model.name,
    model_version: model.version,
    ...(request.id !== undefined && { id: request.id }),
    ...(request.parameters !== undefined && { parameters: request.parameters }),
    outputs: names.map((name) => {
      const tensor = outputs[name]!;
      return { name, datatype: toOipDatatype(tensor.dtype), shape: tensor.shape, data: tensorDataToJson(tensor.dtype, tensor.data) };
    }),
  };
}

export function oipModelMetadata(model: ServedModel) {
  const { signature } = model;
  const tensor = (t: ModelSignature['inputs'][number]) => ({
    name: t.name,
    datatype: toOipDatatype(t.dtype),
    shape: t.shape.map((d) => d ?? -1),
  });
  return {
    name: model.name,
    versions: [model.version],
    platform: model.platform,
    inputs: signature.inputs.map(tensor),
    outputs: signature.outputs.map(tensor),
  };
}
