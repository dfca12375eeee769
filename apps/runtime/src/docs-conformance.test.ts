import { exampleFor, modelOpenApi, type ModelSignature, type OpenApiDocument } from '@slipway/core';
import { buildMultiIo, trainIrisClassifier } from '@slipway/onnx-builder';
import { startRuntime, type RunningRuntime } from '@slipway/testkit';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFile, post } from './test/models';

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const IRIS_SIGNATURE: ModelSignature = {
  inputs: [{ name: 'features', dtype: 'float32', shape: [null, 4] }],
  outputs: [
    { name: 'label', dtype: 'int64', shape: [null] },
    { name: 'probabilities', dtype: 'float32', shape: [null, 3] },
  ],
};
const MULTI_IO_SIGNATURE: ModelSignature = {
  inputs: [
    { name: 'a', dtype: 'float32', shape: [null, 3] },
    { name: 'b', dtype: 'int64', shape: [null, 3] },
  ],
  outputs: [
    { name: 'sum', dtype: 'float32', shape: [null, 3] },
    { name: 'b_doubled', dtype: 'int64', shape: [null, 3] },
  ],
};

/** The gateway's paths minus the deployment prefix the runtime does not serve under. */
const runtimePath = (gatewayPath: string) => (gatewayPath.endsWith('/predict') && gatewayPath.startsWith('/models/') ? '/predict' : gatewayPath);
const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** Validates bodies against a schema inside the generated document (its $refs resolve within it). */
function documentValidator(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(doc, 'doc');
  return (path: string, method: string, status: number, body: unknown): string[] => {
    const validate = ajv.getSchema(`doc#/${pointer('paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema')}`);
    if (!validate) throw new Error(`no ${status} response documented for ${method} ${path}`);
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

type Operation = { requestBody?: { content: { 'application/json': { example: unknown } } }; responses: Record<string, unknown> };

describe.each([
  { title: 'the iris classifier with named features', model: () => trainIrisClassifier({ seed: 1 }).model, signature: IRIS_SIGNATURE, features: FEATURES },
  { title: 'a model with two inputs and two outputs', model: buildMultiIo, signature: MULTI_IO_SIGNATURE, features: undefined },
])('the generated docs of $title against a real runtime', ({ model, signature, features }) => {
  let runtime: RunningRuntime;
  const doc = modelOpenApi({
    deploymentName: 'docs-model',
    modelName: 'docs-model',
    gatewayUrl: 'http://gateway.invalid',
    version: { label: 2, digest: '0'.repeat(64), signature, manifest: features ? { features } : null, example: exampleFor(signature, null, features) },
  });
  const validate = documentValidator(doc);

  beforeAll(async () => {
    runtime = await startRuntime({
      modelPath: modelFile('docs-model', model()),
      name: 'docs-model',
      version: '2',
      env: { SLIPWAY_MAX_BODY_BYTES: '4096', ...(features && { SLIPWAY_FEATURE_NAMES: JSON.stringify(features) }) },
    });
  });
  afterAll(() => runtime?.stop());

  it('answers each protocol’s example request with a body the document describes', async () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods as Record<string, Operation>)) {
        const response =
          method === 'post'
            ? await post(runtime.address, runtimePath(path), operation.requestBody!.content['application/json'].example)
            : await fetch(`${runtime.address}${path}`).then(async (r) => ({ status: r.status, body: await r.json() }));
        expect(response.status, `${method} ${path}`).toBe(200);
        expect(validate(path, method, 200, response.body), `${method} ${path}`).toEqual([]);
      }
    }
    // The schemas are strict enough to catch a body that lacks the outputs.
    expect(validate('/models/docs-model/predict', 'post', 200, { model: 'docs-model', version: '2', outputs: {} })).not.toEqual([]);
  });

  it('answers malformed, misfit and oversized requests with the documented error bodies of each protocol', async () => {
    const first = signature.inputs[0]!;
    const cases: { path: string; body: unknown; status: number }[] = [
      { path: '/models/docs-model/predict', body: '{"inputs": ', status: 400 },
      { path: '/models/docs-model/predict', body: { inputs: { [first.name]: [['x', 1, 2]] } }, status: 400 },
      { path: '/models/docs-model/predict', body: { inputs: { nope: [[1]] } }, status: 400 },
      { path: '/models/docs-model/predict', body: { inputs: { [first.name]: [Array(4096).fill(1)] } }, status: 413 },
      { path: '/v2/models/docs-model/infer', body: { inputs: [{ name: first.name, datatype: 'BYTES', shape: [1], data: ['a'] }] }, status: 400 },
      { path: '/v2/models/docs-model/infer', body: { inputs: [] }, status: 400 },
      { path: '/v1/models/docs-model:predict', body: { instances: [[1]] }, status: 400 },
      { path: '/v1/models/docs-model:predict', body: { rows: [] }, status: 400 },
    ];
    for (const { path, body, status } of cases) {
      const response = await post(runtime.address, runtimePath(path), body);
      expect(response.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(status);
      expect(validate(path, 'post', status, response.body), `${path} ${JSON.stringify(response.body)}`).toEqual([]);
    }
  });
});
