import { flattenNested, type GraphTensor, InvalidInputError, nestValues, type TensorSpec, toOipDatatype, toTensorValue } from '@slipway/core';
import { z } from 'zod';
import type { MatchedRoute } from '../routes';
import type { GraphRun } from './execute';

const oipRequestSchema = z.object({
  id: z.string().optional(),
  inputs: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), datatype: z.string(), data: z.unknown() })).min(1),
});
const predictRequestSchema = z.object({ inputs: z.record(z.string(), z.unknown()) });

/** A graph request read in its protocol and checked against the graph's declared inputs. */
export interface GraphRequest {
  id?: string;
  tensors: GraphTensor[];
}

/** Parses a request to a graph's endpoint; throws InvalidInputError naming the input at fault. */
export function parseGraphRequest(protocol: MatchedRoute['protocol'], inputs: readonly TensorSpec[], body: Buffer): GraphRequest {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidInputError('the body is not valid JSON');
  }
  const given = protocol === 'oip' ? oipInputs(json) : predictInputs(json);
  const known = new Set(inputs.map((i) => i.name));
  const unknown = [...given.values.keys()].find((n) => !known.has(n));
  if (unknown !== undefined) throw new InvalidInputError(`unknown input '${unknown}'; the graph's inputs are ${[...known].map((n) => `'${n}'`).join(', ')}`);
  const tensors = inputs.map((spec) => {
    const value = given.values.get(spec.name);
    if (!value) throw new InvalidInputError(`missing input '${spec.name}' (${toOipDatatype(spec.dtype)} [${spec.shape.map((d) => d ?? -1).join(', ')}])`);
    if (value.datatype !== undefined && value.datatype !== toOipDatatype(spec.dtype)) {
      throw new InvalidInputError(`input '${spec.name}': expected datatype ${toOipDatatype(spec.dtype)}, received ${value.datatype}`);
    }
    // Checks shape, datatype range and every value as a model's runtime would, naming the input.
    toTensorValue(spec, value.shape, value.data);
    return { name: spec.name, datatype: toOipDatatype(spec.dtype), shape: value.shape, data: value.data as GraphTensor['data'] };
  });
  return { ...(given.id !== undefined && { id: given.id }), tensors };
}

type Given = { id?: string; values: Map<string, { shape: number[]; data: unknown[]; datatype?: string }> };

function oipInputs(json: unknown): Given {
  const parsed = oipRequestSchema.safeParse(json);
  if (!parsed.success) throw new InvalidInputError('expected an Open Inference Protocol request: {"inputs": [{"name", "shape", "datatype", "data"}]}');
  const values: Given['values'] = new Map();
  for (const input of parsed.data.inputs) {
    values.set(input.name, { shape: input.shape, data: flattenNested(input.name, input.data).values, datatype: input.datatype });
  }
  return { ...(parsed.data.id !== undefined && { id: parsed.data.id }), values };
}

function predictInputs(json: unknown): Given {
  const parsed = predictRequestSchema.safeParse(json);
  if (!parsed.success) throw new InvalidInputError('expected {"inputs": {"<input name>": [[…]]}}');
  const values: Given['values'] = new Map();
  for (const [name, value] of Object.entries(parsed.data.inputs)) {
    const { shape, values: data } = flattenNested(name, value);
    values.set(name, { shape, data });
  }
  return { values };
}

/** The graph's answer in the caller's protocol; soft steps that failed are listed, never silently dropped. */
export function graphAnswer(
  protocol: MatchedRoute['protocol'],
  graph: { name: string; revision: number },
  request: GraphRequest,
  run: GraphRun,
  traceId: string,
): unknown {
  const skipped = run.skipped.length > 0 ? { skipped_steps: run.skipped } : {};
  if (protocol === 'oip') {
    return {
      model_name: graph.name,
      model_version: `r${graph.revision}`,
      ...(request.id !== undefined && { id: request.id }),
      parameters: { trace_id: traceId, ...skipped },
      outputs: run.outputs,
    };
  }
  const outputs = Object.fromEntries(run.outputs.map((t) => [t.name, nestValues(t.data, t.shape)]));
  return { model: graph.name, version: `r${graph.revision}`, outputs, ...(run.skipped.length > 0 && { skipped: run.skipped }) };
}
