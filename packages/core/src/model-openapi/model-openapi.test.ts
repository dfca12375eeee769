import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../signature';
import { breakingChanges } from './compatibility';
import { modelOpenApi, type ModelDocsSource } from './document';
import { DOCUMENTED_ERRORS } from './documented-errors';
import { exampleFor, exampleInputs } from './example';

const IRIS: ModelSignature = {
  inputs: [{ name: 'features', dtype: 'float32', shape: [null, 4] }],
  outputs: [
    { name: 'label', dtype: 'int64', shape: [null] },
    { name: 'probabilities', dtype: 'float32', shape: [null, 3] },
  ],
};
const MIXED: ModelSignature = {
  inputs: [
    { name: 'ids', dtype: 'int64', shape: [null, 3] },
    { name: 'mask', dtype: 'bool', shape: [null, 3] },
    { name: 'text', dtype: 'string', shape: [null] },
    { name: 'image', dtype: 'uint8', shape: [1, 2, 2] },
  ],
  outputs: [{ name: 'score', dtype: 'float16', shape: [null, null] }],
};
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

function irisSource(overrides: Partial<ModelDocsSource['version']> = {}): ModelDocsSource {
  return {
    deploymentName: 'iris-prod',
    modelName: 'iris',
    gatewayUrl: 'http://127.0.0.1:8081/',
    version: {
      label: 3,
      digest: 'ab'.repeat(32),
      signature: IRIS,
      manifest: { description: 'Iris classifier', features: FEATURES, labels: ['setosa', 'versicolor', 'virginica'], metadata: { git_commit: '3f2c1d0' } },
      example: {
        source: 'recorded',
        inputs: { features: [[5.8, 3.1, 3.8, 1.2]] },
        outputs: { label: [1], probabilities: [[0.1, 0.8, 0.1]] },
      },
      ...overrides,
    },
  };
}

async function validateOpenApi(document: unknown) {
  const result = await new Validator().validate(document as Parameters<Validator['validate']>[0]);
  return result.valid ? [] : result.errors;
}

describe('a deployment’s OpenAPI document', () => {
  it('is valid OpenAPI 3.1 for a classifier with features, labels and metadata, and for a mixed-dtype model', async () => {
    expect(await validateOpenApi(modelOpenApi(irisSource()))).toEqual([]);
    const mixed = modelOpenApi({
      ...irisSource(),
      version: { label: 1, digest: 'cd'.repeat(32), signature: MIXED, manifest: null, example: exampleFor(MIXED, null) },
    });
    expect(await validateOpenApi(mixed)).toEqual([]);
  });

  it('documents the three protocols at the deployment’s gateway paths, with the API key', () => {
    const doc = modelOpenApi(irisSource());
    expect(Object.keys(doc.paths)).toEqual(['/models/iris-prod/predict', '/v2/models/iris-prod/infer', '/v2/models/iris-prod', '/v1/models/iris-prod:predict']);
    expect(doc.servers).toEqual([{ url: 'http://127.0.0.1:8081', description: 'Slipway gateway' }]);
    expect(doc.security).toEqual([{ bearerApiKey: [] }, { headerApiKey: [] }]);
    const info = doc.info as { description: string; version: string; 'x-slipway-metadata': unknown };
    expect(info.version).toBe('3');
    expect(info.description).toContain('Iris classifier');
    expect(info.description).toContain('`sepal_length`, `sepal_width`, `petal_length`, `petal_width`');
    expect(info.description).toContain('0 `setosa`, 1 `versicolor`, 2 `virginica`');
    expect(info.description).toContain('| input `features` | FP32 [-1, 4] (-1: any size) |');
    expect(info['x-slipway-metadata']).toEqual({ git_commit: '3f2c1d0' });
  });

  it('shapes the request schema from the signature: fixed dimensions exact, dynamic ones open', () => {
    const doc = modelOpenApi(irisSource());
    const predict = doc.paths['/models/iris-prod/predict']!.post as any;
    const byName = predict.requestBody.content['application/json'].schema.oneOf[0];
    expect(byName.properties.inputs.properties.features).toMatchObject({
      type: 'array',
      items: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } },
    });
    expect(byName.properties.inputs.properties.features.minItems).toBeUndefined();
    expect(predict.requestBody.content['application/json'].example).toEqual({ inputs: { features: [[5.8, 3.1, 3.8, 1.2]] } });
  });

  it('answers every documented error status per protocol, in that protocol’s body shape', () => {
    const doc = modelOpenApi(irisSource());
    const statuses = [...new Set(DOCUMENTED_ERRORS.map((e) => String(e.status)))].sort();
    const predict = (doc.paths['/models/iris-prod/predict']!.post as any).responses;
    const infer = (doc.paths['/v2/models/iris-prod/infer']!.post as any).responses;
    expect(
      Object.keys(predict)
        .filter((s) => s !== '200')
        .sort(),
    ).toEqual(statuses);
    expect(predict['400'].content['application/json'].schema.properties.error.properties.code.enum).toEqual(['bad_request', 'invalid_input']);
    expect(predict['429'].headers['retry-after']).toBeDefined();
    expect(infer['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ProtocolError' });
    const metadata = (doc.paths['/v2/models/iris-prod']!.get as any).responses;
    expect(metadata['400']).toBeUndefined();
  });

  it('turns the example into each protocol’s request and response', () => {
    const doc = modelOpenApi(irisSource());
    const oip = doc.paths['/v2/models/iris-prod/infer']!.post as any;
    expect(oip.requestBody.content['application/json'].example).toEqual({
      inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [5.8, 3.1, 3.8, 1.2] }],
    });
    expect(oip.responses['200'].content['application/json'].example.outputs[0]).toEqual({ name: 'label', shape: [1], datatype: 'INT64', data: [1] });
    const v1 = doc.paths['/v1/models/iris-prod:predict']!.post as any;
    expect(v1.requestBody.content['application/json'].example).toEqual({ instances: [[5.8, 3.1, 3.8, 1.2]] });
    expect(v1.responses['200'].content['application/json'].example).toEqual({ predictions: [{ label: 1, probabilities: [0.1, 0.8, 0.1] }] });
  });
});

describe('examples', () => {
  it('generates one row of zeros in each input’s shape, typical feature values when given', () => {
    expect(exampleInputs(MIXED)).toEqual({
      ids: [[0, 0, 0]],
      mask: [[false, false, false]],
      text: [''],
      image: [
        [
          [0, 0],
          [0, 0],
        ],
      ],
    });
    const means = { sepal_length: 5.84333, sepal_width: 3.057, petal_length: 3.758, petal_width: 1.199 };
    expect(exampleInputs(IRIS, { features: FEATURES, featureValues: means })).toEqual({ features: [[5.843, 3.057, 3.758, 1.199]] });
  });

  it('uses the recorded example when there is one, and a generated one for versions inspected before', () => {
    const recorded = { source: 'recorded', inputs: { features: [[1, 2, 3, 4]] }, outputs: { label: [0] } };
    expect(exampleFor(IRIS, recorded)).toEqual(recorded);
    expect(exampleFor(IRIS, null)).toEqual({ source: 'generated', inputs: { features: [[0, 0, 0, 0]] }, outputs: null });
  });
});

describe('breaking changes between versions', () => {
  const kinds = (previous: ModelSignature, next: ModelSignature) => breakingChanges(previous, next).map((c) => `${c.kind} ${c.tensor}`);

  it('finds none for the same signature, or when a fixed dimension becomes dynamic', () => {
    expect(breakingChanges(IRIS, IRIS)).toEqual([]);
    const widened = { ...IRIS, inputs: [{ name: 'features', dtype: 'float32' as const, shape: [null, null] }] };
    expect(breakingChanges(IRIS, widened)).toEqual([]);
  });

  it('flags a removed or new input, a changed datatype, a narrower shape and a removed or reshaped output', () => {
    expect(kinds(IRIS, { ...IRIS, inputs: [{ name: 'x', dtype: 'float32', shape: [null, 4] }] })).toEqual(['input_removed features', 'input_added x']);
    expect(breakingChanges(IRIS, { ...IRIS, inputs: [{ name: 'features', dtype: 'float64', shape: [null, 4] }] })).toEqual([
      { kind: 'dtype_changed', tensor: 'features', message: "input 'features' changed datatype from FP32 to FP64" },
    ]);
    expect(kinds(IRIS, { ...IRIS, inputs: [{ name: 'features', dtype: 'float32', shape: [null, 5] }] })).toEqual(['shape_changed features']);
    expect(kinds(IRIS, { ...IRIS, inputs: [{ name: 'features', dtype: 'float32', shape: [1, 4] }] })).toEqual(['shape_changed features']);
    expect(kinds(IRIS, { ...IRIS, outputs: [{ name: 'label', dtype: 'int64', shape: [null, 1] }] })).toEqual([
      'shape_changed label',
      'output_removed probabilities',
    ]);
  });
});
