import { z } from 'zod';
import { toOipDatatype, type ModelSignature, type TensorSpec } from '../signature';
import { DOCUMENTED_ERRORS, errorsByStatus, type DocumentedError } from './documented-errors';
import { placeholderOutputs, type ModelExample } from './example';
import { describeTensor, elementSchema, flatten, nestedSchema, shapeOf, type JsonSchema } from './tensor-schemas';

/** The parts of a version's slipway.yaml the docs show (other keys are dropped). */
export const modelDocsManifestSchema = z.object({
  description: z.string().optional(),
  features: z.array(z.string()).optional(),
  labels: z.array(z.string()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type ModelDocsManifest = z.infer<typeof modelDocsManifestSchema>;

export interface ModelDocsSource {
  deploymentName: string;
  /** Where callers reach the gateway, e.g. https://models.example.com. */
  gatewayUrl: string;
  modelName: string;
  version: { label: number; digest: string; signature: ModelSignature; manifest: ModelDocsManifest | null; example: ModelExample };
}

type Protocol = 'slipway' | 'oip' | 'kserve-v1';
export type OpenApiDocument = Record<string, unknown> & { openapi: '3.1.0'; paths: Record<string, Record<string, unknown>> };

const SECURITY = [{ bearerApiKey: [] }, { headerApiKey: [] }];

/**
 * The OpenAPI 3.1 document of one deployment as callers reach it through the gateway: its three protocols
 * (Slipway JSON, Open Inference Protocol v2, KServe V1) with request and response schemas from the served
 * version's signature and manifest, the API key, every error with its body in each protocol's shape, and a
 * worked example (recorded from a real inference when there is one).
 */
export function modelOpenApi(source: ModelDocsSource): OpenApiDocument {
  const { deploymentName: name, version } = source;
  const { signature, manifest, example } = version;
  const outputs = example.outputs ?? placeholderOutputs(signature);
  const versionString = String(version.label);
  const examples = {
    slipway: {
      request: { inputs: example.inputs },
      response: { model: name, version: versionString, outputs },
    },
    oip: {
      request: { inputs: signature.inputs.map((spec) => oipTensor(spec, example.inputs[spec.name])) },
      response: { model_name: name, model_version: versionString, outputs: signature.outputs.map((spec) => oipTensor(spec, outputs[spec.name])) },
    },
    'kserve-v1': {
      request: { instances: v1Rows(signature.inputs, example.inputs) },
      response: { predictions: v1Rows(signature.outputs, outputs) },
    },
  } satisfies Record<Protocol, { request: unknown; response: unknown }>;
  const exampleNote =
    example.source === 'recorded'
      ? 'The example was recorded from a real inference of this version.'
      : 'The example was generated from the signature' + (example.outputs ? '.' : '; its response values are placeholders.');

  return {
    openapi: '3.1.0',
    info: {
      title: `${name} — model API`,
      version: versionString,
      description: infoDescription(source),
      ...(manifest?.metadata && { 'x-slipway-metadata': manifest.metadata }),
    },
    servers: [{ url: source.gatewayUrl.replace(/\/$/, ''), description: 'Slipway gateway' }],
    security: SECURITY,
    tags: [
      { name: 'Slipway', description: 'Slipway’s JSON: tensors as nested arrays keyed by input name. Errors: `{"error": {"code", "message"}}`.' },
      { name: 'Open Inference Protocol', description: 'KServe / Triton Open Inference Protocol v2 REST. Errors: `{"error": "…"}`.' },
      { name: 'KServe V1', description: 'TensorFlow-Serving-style `{"instances": [...]}`. Errors: `{"error": "…"}`.' },
    ],
    paths: {
      [`/models/${name}/predict`]: {
        post: operation('slipway', {
          operationId: 'predict',
          summary: `Predict with ${name}`,
          description: `Inputs as nested arrays in each input's shape${manifest?.features ? ', or the features by name (as columns or as rows)' : ''}. ${exampleNote}`,
          request: slipwayRequestSchema(signature, manifest?.features),
          response: {
            type: 'object',
            required: ['model', 'version', 'outputs'],
            properties: {
              model: { type: 'string', const: name },
              version: { type: 'string', description: 'The label of the version that answered (during a rollout, either one).' },
              outputs: namedTensors(signature.outputs, 'response', manifest?.labels),
            },
          },
          example: examples.slipway,
        }),
      },
      [`/v2/models/${name}/infer`]: {
        post: operation('oip', {
          operationId: 'oipInfer',
          summary: `Infer with ${name} (Open Inference Protocol)`,
          description: `\`data\` is row-major, flat or nested; \`outputs\` asks for a subset; \`id\` and \`parameters\` are echoed. ${exampleNote}`,
          request: oipRequestSchema(signature),
          response: oipResponseSchema(signature),
          example: examples.oip,
        }),
      },
      [`/v2/models/${name}`]: {
        get: operation('oip', {
          operationId: 'oipMetadata',
          summary: `Metadata of ${name} (Open Inference Protocol)`,
          description: 'Inputs and outputs with their datatypes and shapes (-1: any size).',
          response: oipMetadataSchema(),
          example: {
            response: {
              name,
              versions: [versionString],
              platform: 'onnxruntime_onnx',
              inputs: signature.inputs.map(oipMetadataTensor),
              outputs: signature.outputs.map(oipMetadataTensor),
            },
          },
        }),
      },
      [`/v1/models/${name}:predict`]: {
        post: operation('kserve-v1', {
          operationId: 'v1Predict',
          summary: `Predict with ${name} (KServe V1)`,
          description: `One instance per row${signature.inputs.length > 1 ? ', each an object keyed by input name' : ` of input '${signature.inputs[0]?.name}'`}. ${exampleNote}`,
          request: {
            type: 'object',
            required: ['instances'],
            properties: { instances: { type: 'array', minItems: 1, items: v1RowSchema(signature.inputs, 'request') } },
          },
          response: {
            type: 'object',
            required: ['predictions'],
            properties: { predictions: { type: 'array', items: v1RowSchema(signature.outputs, 'response') } },
          },
          example: examples['kserve-v1'],
        }),
      },
    },
    components: {
      securitySchemes: {
        bearerApiKey: { type: 'http', scheme: 'bearer', description: 'A Slipway API key (**API keys** in the console): `Authorization: Bearer $SLIPWAY_KEY`.' },
        headerApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The same API key in a header of its own.' },
      },
      schemas: {
        SlipwayError: slipwayErrorSchema(DOCUMENTED_ERRORS.map((e) => e.code)),
        ProtocolError: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'string' } },
          description: 'The error body of the Open Inference Protocol and KServe V1.',
        },
      },
      parameters: {
        stickyKey: {
          name: 'x-slipway-key',
          in: 'header',
          required: false,
          schema: { type: 'string' },
          description: 'Anything stable (a user id): requests with the same value stay on one variant during an A/B test or canary.',
        },
        pinnedVariant: {
          name: 'x-slipway-variant',
          in: 'header',
          required: false,
          schema: { type: 'string' },
          description: 'Send the request to this serving variant (never a shadow or a variant at weight 0).',
        },
      },
    },
  };
}

function infoDescription({ modelName, version }: ModelDocsSource): string {
  const { manifest, signature } = version;
  const lines = manifest?.description ? [manifest.description, ''] : [];
  lines.push(`Model \`${modelName}\`, version ${version.label} (\`sha256:${version.digest}\`).`, '');
  lines.push('| tensor | datatype and shape |', '|---|---|');
  for (const spec of signature.inputs) lines.push(`| input \`${spec.name}\` | ${describeTensor(spec)} |`);
  for (const spec of signature.outputs) lines.push(`| output \`${spec.name}\` | ${describeTensor(spec)} |`);
  if (manifest?.features)
    lines.push('', `Features (the columns of \`${signature.inputs[0]?.name}\`, in order): ${manifest.features.map((f) => `\`${f}\``).join(', ')}.`);
  if (manifest?.labels) lines.push('', `Labels (class index → name): ${manifest.labels.map((l, i) => `${i} \`${l}\``).join(', ')}.`);
  if (manifest?.metadata) lines.push('', 'Metadata:', '', '```json', JSON.stringify(manifest.metadata, null, 2), '```');
  lines.push('', 'Authenticate with an API key: `Authorization: Bearer $SLIPWAY_KEY`.');
  return lines.join('\n');
}

function operation(
  protocol: Protocol,
  op: {
    operationId: string;
    summary: string;
    description: string;
    request?: JsonSchema;
    response: JsonSchema;
    example: { request?: unknown; response: unknown };
  },
): Record<string, unknown> {
  const tag = { slipway: 'Slipway', oip: 'Open Inference Protocol', 'kserve-v1': 'KServe V1' }[protocol];
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: op.description,
    tags: [tag],
    parameters: [{ $ref: '#/components/parameters/stickyKey' }, { $ref: '#/components/parameters/pinnedVariant' }],
    ...(op.request && {
      requestBody: { required: true, content: { 'application/json': { schema: op.request, example: op.example.request } } },
    }),
    responses: {
      '200': {
        description: 'The model’s answer.',
        headers: { 'x-slipway-variant': { description: 'The variant that answered.', schema: { type: 'string' } } },
        content: { 'application/json': { schema: op.response, example: op.example.response } },
      },
      ...errorResponses(protocol, op.request !== undefined),
    },
  };
}

/** One response per status the caller can receive, its body in the protocol's error shape. */
function errorResponses(protocol: Protocol, hasBody: boolean): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, errors] of errorsByStatus()) {
    // A GET carries no body: nothing about it can be malformed or too large.
    const applicable = errors.filter((e) => hasBody || !['bad_request', 'invalid_input', 'payload_too_large', 'model_error'].includes(e.code));
    if (applicable.length === 0) continue;
    const first = applicable[0]!;
    const retryAfter = applicable.some((e) => e.code === 'rate_limited' || e.code.startsWith('hold_') || e.code === 'waking');
    responses[String(status)] = {
      description: applicable.map((e) => `\`${e.code}\`: ${e.when}`).join('; ') + '.',
      ...(retryAfter && { headers: { 'retry-after': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } } }),
      content: {
        'application/json':
          protocol === 'slipway'
            ? { schema: slipwayErrorSchema(applicable.map((e) => e.code)), example: { error: { code: first.code, message: exampleMessage(first) } } }
            : { schema: { $ref: '#/components/schemas/ProtocolError' }, example: { error: exampleMessage(first) } },
      },
    };
  }
  return responses;
}

function exampleMessage(error: DocumentedError): string {
  return error.when.charAt(0).toUpperCase() + error.when.slice(1);
}

export function slipwayErrorSchema(codes: readonly string[]): JsonSchema {
  return {
    type: 'object',
    required: ['error'],
    properties: {
      error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', enum: [...codes] }, message: { type: 'string' } } },
    },
  };
}

function namedTensors(specs: readonly TensorSpec[], direction: 'request' | 'response', labels?: string[]): JsonSchema {
  return {
    type: 'object',
    required: specs.map((s) => s.name),
    additionalProperties: false,
    properties: Object.fromEntries(
      specs.map((spec) => [
        spec.name,
        {
          ...nestedSchema(spec.dtype, spec.shape, direction),
          description: describeTensor(spec) + (labels && direction === 'response' ? `; classes: ${labels.join(', ')}` : ''),
        },
      ]),
    ),
  };
}

function slipwayRequestSchema(signature: ModelSignature, features?: string[]): JsonSchema {
  const byName: JsonSchema = { type: 'object', required: ['inputs'], properties: { inputs: namedTensors(signature.inputs, 'request') } };
  if (!features) return byName;
  const element = elementSchema(signature.inputs[0]!.dtype, 'request');
  const featureObject = (value: JsonSchema): JsonSchema => ({
    type: 'object',
    required: features,
    additionalProperties: false,
    properties: Object.fromEntries(features.map((f) => [f, value])),
  });
  return {
    oneOf: [
      byName,
      {
        type: 'object',
        required: ['features'],
        properties: {
          features: {
            oneOf: [
              { ...featureObject({ type: 'array', items: element }), description: 'Columns: each feature with one value per row.' },
              { type: 'array', items: featureObject(element), description: 'Rows: one object per row.' },
            ],
          },
        },
      },
    ],
  };
}

function oipTensor(spec: TensorSpec, value: unknown) {
  return { name: spec.name, shape: shapeOf(value), datatype: toOipDatatype(spec.dtype), data: flatten(value) };
}

function oipMetadataTensor(spec: TensorSpec) {
  return { name: spec.name, datatype: toOipDatatype(spec.dtype), shape: spec.shape.map((d) => d ?? -1) };
}

function oipTensorSchema(spec: TensorSpec, direction: 'request' | 'response'): JsonSchema {
  const flat = { type: 'array', items: elementSchema(spec.dtype, direction) };
  return {
    type: 'object',
    required: ['name', 'shape', 'datatype', 'data'],
    description: describeTensor(spec),
    properties: {
      name: { const: spec.name },
      datatype: { const: toOipDatatype(spec.dtype) },
      shape: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: spec.shape.length, maxItems: spec.shape.length },
      data:
        direction === 'request' ? { anyOf: [flat, nestedSchema(spec.dtype, spec.shape, direction)], description: 'Row-major values, flat or nested.' } : flat,
      parameters: { type: 'object' },
    },
  };
}

function oipRequestSchema(signature: ModelSignature): JsonSchema {
  return {
    type: 'object',
    required: ['inputs'],
    properties: {
      id: { type: 'string' },
      parameters: { type: 'object' },
      inputs: {
        type: 'array',
        minItems: signature.inputs.length,
        maxItems: signature.inputs.length,
        items: { oneOf: signature.inputs.map((s) => oipTensorSchema(s, 'request')) },
      },
      outputs: {
        type: 'array',
        description: 'Only these outputs (all when omitted).',
        items: { type: 'object', required: ['name'], properties: { name: { enum: signature.outputs.map((o) => o.name) }, parameters: { type: 'object' } } },
      },
    },
  };
}

function oipResponseSchema(signature: ModelSignature): JsonSchema {
  return {
    type: 'object',
    required: ['model_name', 'outputs'],
    properties: {
      model_name: { type: 'string' },
      model_version: { type: 'string' },
      id: { type: 'string' },
      parameters: { type: 'object' },
      outputs: { type: 'array', items: { oneOf: signature.outputs.map((s) => oipTensorSchema(s, 'response')) } },
    },
  };
}

function oipMetadataSchema(): JsonSchema {
  const tensor = {
    type: 'object',
    required: ['name', 'datatype', 'shape'],
    properties: { name: { type: 'string' }, datatype: { type: 'string' }, shape: { type: 'array', items: { type: 'integer' } } },
  };
  return {
    type: 'object',
    required: ['name', 'platform', 'inputs', 'outputs'],
    properties: {
      name: { type: 'string' },
      versions: { type: 'array', items: { type: 'string' } },
      platform: { type: 'string' },
      inputs: { type: 'array', items: tensor },
      outputs: { type: 'array', items: tensor },
    },
  };
}

/** A KServe V1 row: one tensor's row (its shape without the batch dimension), or an object of them. */
function v1RowSchema(specs: readonly TensorSpec[], direction: 'request' | 'response'): JsonSchema {
  const row = (spec: TensorSpec) => nestedSchema(spec.dtype, spec.shape.slice(1), direction);
  if (specs.length === 1) return { ...row(specs[0]!), description: describeTensor(specs[0]!) };
  return {
    type: 'object',
    required: specs.map((s) => s.name),
    properties: Object.fromEntries(specs.map((s) => [s.name, { ...row(s), description: describeTensor(s) }])),
  };
}

function v1Rows(specs: readonly TensorSpec[], values: Record<string, unknown>): unknown[] {
  if (specs.length === 1) return values[specs[0]!.name] as unknown[];
  const rows = (values[specs[0]!.name] as unknown[]).length;
  return Array.from({ length: rows }, (_, i) => Object.fromEntries(specs.map((s) => [s.name, (values[s.name] as unknown[])[i]])));
}
