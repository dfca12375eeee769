import { buildAllTypesEcho, buildFailingModel, buildFixedBatch, buildMultiIo, trainIrisClassifier } from '@slipway/onnx-builder';
import { startRuntime, type RunningRuntime } from '@slipway/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFile, post } from './test/models';
import { oipValidator } from './test/oip-spec';

const SETOSA = [5.1, 3.5, 1.4, 0.2];
const VIRGINICA = [6.7, 3.0, 5.2, 2.3];

describe('runtime serving the iris classifier', () => {
  const validate = oipValidator();
  let runtime: RunningRuntime;

  beforeAll(async () => {
    const iris = modelFile('iris', trainIrisClassifier({ seed: 1 }).model);
    runtime = await startRuntime({ modelPath: iris, name: 'iris', version: '3', env: { SLIPWAY_MAX_BODY_BYTES: '65536' } });
  });
  afterAll(() => runtime?.stop());

  it('answers the OIP health, server and model metadata endpoints per the spec', async () => {
    expect((await fetch(`${runtime.address}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${runtime.address}/v2/health/ready`)).status).toBe(200);
    const server = await (await fetch(`${runtime.address}/v2`)).json();
    expect(validate('metadata_server_response', server)).toEqual([]);
    for (const route of ['/v2/models/iris', '/v2/models/iris/versions/3']) {
      const metadata = await (await fetch(`${runtime.address}${route}`)).json();
      expect(validate('metadata_model_response', metadata)).toEqual([]);
      expect(metadata.inputs).toEqual([{ name: 'features', datatype: 'FP32', shape: [-1, 4] }]);
    }
    expect((await fetch(`${runtime.address}/v2/models/iris/versions/3/ready`)).status).toBe(200);
    const missing = await fetch(`${runtime.address}/v2/models/other`);
    expect(missing.status).toBe(404);
    expect(validate('metadata_model_error_response', await missing.json())).toEqual([]);
  });

  it('infers over OIP with and without a version, echoing id and parameters, flat or nested data', async () => {
    for (const route of ['/v2/models/iris/infer', '/v2/models/iris/versions/3/infer']) {
      const flat = await post(runtime.address, route, {
        id: 'req-1',
        parameters: { trace: 'abc' },
        inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: [...SETOSA, ...VIRGINICA] }],
      });
      expect(flat.status).toBe(200);
      expect(validate('inference_response', flat.body)).toEqual([]);
      expect(flat.body).toMatchObject({ model_name: 'iris', model_version: '3', id: 'req-1', parameters: { trace: 'abc' } });
      const label = flat.body.outputs.find((o: { name: string }) => o.name === 'label');
      expect(label).toEqual({ name: 'label', datatype: 'INT64', shape: [2], data: [0, 2] });
    }
    const nested = await post(runtime.address, '/v2/models/iris/infer', {
      inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: [SETOSA, VIRGINICA] }],
      outputs: [{ name: 'probabilities' }],
    });
    expect(nested.body.outputs.map((o: { name: string }) => o.name)).toEqual(['probabilities']);
    expect(nested.body.outputs[0].shape).toEqual([2, 3]);
    const sum = nested.body.outputs[0].data.slice(0, 3).reduce((a: number, b: number) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);
  });

  it('answers OIP errors as {"error": "…"} naming the input and both sides', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ inputs: [{ name: 'features', datatype: 'INT64', shape: [1, 4], data: [1, 2, 3, 4] }] }, 400, /'features': expected datatype FP32, received INT64/],
      [{ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }] }, 400, /expected shape \[-1, 4\], received \[1, 3\]/],
      [{ inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: SETOSA }] }, 400, /needs 8 values, received 4/],
      [{ inputs: [{ name: 'petals', datatype: 'FP32', shape: [1, 4], data: SETOSA }] }, 400, /unknown input 'petals'/],
      [{ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: SETOSA }], outputs: [{ name: 'nope' }] }, 400, /unknown output 'nope'/],
      [{ inputs: 'features' }, 400, /inputs/],
    ];
    for (const [body, status, message] of cases) {
      const response = await post(runtime.address, '/v2/models/iris/infer', body);
      expect(response.status).toBe(status);
      expect(validate('inference_error_response', response.body)).toEqual([]);
      expect(response.body.error).toMatch(message);
    }
  });

  it('serves KServe V1 predictions, one per instance', async () => {
    const response = await post(runtime.address, '/v1/models/iris:predict', { instances: [SETOSA, VIRGINICA] });
    expect(response.status).toBe(200);
    expect(response.body.predictions.map((p: { label: number }) => p.label)).toEqual([0, 2]);
    expect(response.body.predictions[0].probabilities).toHaveLength(3);
    const bad = await post(runtime.address, '/v1/models/iris:predict', { rows: [SETOSA] });
    expect(bad.status).toBe(400);
    expect(typeof bad.body.error).toBe('string');
  });

  it('serves plain JSON /predict with nested outputs and Slipway error codes', async () => {
    const ok = await post(runtime.address, '/predict', { inputs: { features: [SETOSA, VIRGINICA] } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ model: 'iris', version: '3', outputs: { label: [0, 2] } });
    const missing = await post(runtime.address, '/predict', { inputs: {} });
    expect(missing.body).toEqual({ error: { code: 'invalid_input', message: "missing input 'features' (FP32 [-1, 4])" } });
    const wrongType = await post(runtime.address, '/predict', { inputs: { features: [[5.1, 3.5, 'wide', 0.2]] } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toBe('input \'features\': value 2 is "wide", expected a number (FP32)');
    const notJson = await post(runtime.address, '/predict', '{"inputs": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('bad_request');
  });

  it('refuses a body over the size limit with 413 and keeps serving', async () => {
    const rows = Array.from({ length: 5000 }, () => SETOSA);
    const response = await post(runtime.address, '/predict', { inputs: { features: rows } });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
    expect((await post(runtime.address, '/predict', { inputs: { features: [SETOSA] } })).status).toBe(200);
  });

  it('batches concurrent requests into fewer session runs with the same answers', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? SETOSA : VIRGINICA));
    const answers = await Promise.all(rows.map((row) => post(runtime.address, '/predict', { inputs: { features: [row] } })));
    expect(answers.map((a) => a.body.outputs.label[0])).toEqual(rows.map((_, i) => (i % 2 === 0 ? 0 : 2)));
    const metrics = await (await fetch(`${runtime.address}/metrics`)).text();
    const runs = Number(/slipway_runtime_batch_size_count\{model="iris"\} (\d+)/.exec(metrics)?.[1]);
    const rowsRun = Number(/slipway_runtime_batch_size_sum\{model="iris"\} (\d+)/.exec(metrics)?.[1]);
    expect(rowsRun).toBeGreaterThanOrEqual(200);
    expect(runs).toBeLessThan(rowsRun);
    expect(metrics).toContain('slipway_runtime_request_duration_seconds_bucket');
    expect(metrics).toContain('slipway_runtime_queue_depth{model="iris"}');
    expect(Number(/^process_cpu_seconds_total (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    // This replica was started without a variant: it collects no drift, and says nothing of it.
    expect(metrics).not.toContain('slipway_runtime_drift_seconds_total');
  });
});

describe.each(['main', 'worker'])('runtime with multi-input, int64 and every datatype (inference on the %s thread)', (thread) => {
  const validate = oipValidator();
  let multi: RunningRuntime;
  let echo: RunningRuntime;
  let fixed: RunningRuntime;

  beforeAll(async () => {
    const env = { SLIPWAY_INFERENCE_THREAD: thread };
    [multi, echo, fixed] = await Promise.all([
      startRuntime({ modelPath: modelFile('multi', buildMultiIo()), name: 'multi', env }),
      startRuntime({ modelPath: modelFile('echo', buildAllTypesEcho()), name: 'echo', env }),
      startRuntime({ modelPath: modelFile('fixed', buildFixedBatch()), name: 'fixed', env }),
    ]);
  });
  afterAll(() => Promise.all([multi?.stop(), echo?.stop(), fixed?.stop()]));

  it('feeds several inputs and returns several outputs, int64 included', async () => {
    const response = await post(multi.address, '/v2/models/multi/infer', {
      inputs: [
        { name: 'a', datatype: 'FP32', shape: [1, 3], data: [0.5, 1.5, 2.5] },
        { name: 'b', datatype: 'INT64', shape: [1, 3], data: [1, 2, 3] },
      ],
    });
    expect(response.status).toBe(200);
    const byName = Object.fromEntries(response.body.outputs.map((o: { name: string; data: unknown }) => [o.name, o.data]));
    expect(byName).toEqual({ sum: [1.5, 3.5, 5.5], b_doubled: [2, 4, 6] });
    const v1 = await post(multi.address, '/v1/models/multi:predict', {
      instances: [
        { a: [1, 1, 1], b: [1, 2, 3] },
        { a: [0, 0, 0], b: [4, 5, 6] },
      ],
    });
    expect(v1.body.predictions).toEqual([
      { sum: [2, 3, 4], b_doubled: [2, 4, 6] },
      { sum: [4, 5, 6], b_doubled: [8, 10, 12] },
    ]);
    const incomplete = await post(multi.address, '/v1/models/multi:predict', { instances: [{ a: [1, 1, 1], b: [1, 2, 3] }, { a: [0, 0, 0] }] });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error).toContain("'b'");
  });

  it('round-trips every OIP datatype onnxruntime supports', async () => {
    const samples: Record<string, [string, unknown[]]> = {
      bool: ['BOOL', [true, false]],
      int8: ['INT8', [-128, 127]],
      int16: ['INT16', [-32768, 32767]],
      int32: ['INT32', [-2147483648, 2147483647]],
      int64: ['INT64', [-9007199254740991, 9007199254740991]],
      uint8: ['UINT8', [0, 255]],
      uint16: ['UINT16', [0, 65535]],
      uint32: ['UINT32', [0, 4294967295]],
      uint64: ['UINT64', [0, 9007199254740991]],
      float16: ['FP16', [0.5, -2]],
      float32: ['FP32', [0.25, -1.5]],
      float64: ['FP64', [0.1, 1e300]],
      string: ['BYTES', ['hello', 'wörld']],
    };
    const response = await post(echo.address, '/v2/models/echo/infer', {
      inputs: Object.entries(samples).map(([dtype, [datatype, data]]) => ({ name: `x_${dtype}`, datatype, shape: [1, 2], data })),
    });
    expect(response.status).toBe(200);
    expect(validate('inference_response', response.body)).toEqual([]);
    for (const [dtype, [datatype, data]] of Object.entries(samples)) {
      const output = response.body.outputs.find((o: { name: string }) => o.name === `y_${dtype}`);
      expect(output).toEqual({ name: `y_${dtype}`, datatype, shape: [1, 2], data });
    }
  });

  it('serves a model with a fixed batch dimension and explains a wrong batch size', async () => {
    const one = await post(fixed.address, '/predict', { inputs: { features: [SETOSA] } });
    expect(one.status).toBe(200);
    expect(one.body.outputs.probabilities).toHaveLength(1);
    const two = await post(fixed.address, '/predict', { inputs: { features: [SETOSA, VIRGINICA] } });
    expect(two.status).toBe(400);
    expect(two.body.error.message).toBe("input 'features': expected shape [1, 4], received [2, 4]");
  });
});

describe('runtime with feature names from the manifest', () => {
  const names = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
  let runtime: RunningRuntime;

  beforeAll(async () => {
    runtime = await startRuntime({
      modelPath: modelFile('iris', trainIrisClassifier({ seed: 1 }).model),
      name: 'iris',
      env: { SLIPWAY_FEATURE_NAMES: JSON.stringify(names) },
    });
  });
  afterAll(() => runtime?.stop());

  it('takes named features as columns or as rows, in any key order', async () => {
    const columns = await post(runtime.address, '/predict', {
      features: { petal_width: [0.2, 2.3], sepal_length: [5.1, 6.7], sepal_width: [3.5, 3.0], petal_length: [1.4, 5.2] },
    });
    expect(columns.body.outputs.label).toEqual([0, 2]);
    const rows = await post(runtime.address, '/predict', {
      features: [{ sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 }],
    });
    expect(rows.body.outputs.label).toEqual([2]);
  });

  it('names a missing or unknown feature', async () => {
    const missing = await post(runtime.address, '/predict', { features: [{ sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2 }] });
    expect(missing.body.error).toEqual({ code: 'invalid_input', message: "row 0: missing feature 'petal_width'" });
    const unknown = await post(runtime.address, '/predict', { features: { sepal_length: [1], colour: [2] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("unknown feature 'colour'");
  });
});

describe('runtime serving a model that fails on every run', () => {
  let runtime: RunningRuntime;
  beforeAll(async () => {
    runtime = await startRuntime({ modelPath: modelFile('broken', buildFailingModel()), name: 'broken' });
  });
  afterAll(() => runtime?.stop());

  it('answers a signature-conforming request with 500 model_error, in each protocol, and stays up', async () => {
    const oip = await post(runtime.address, '/v2/models/broken/infer', { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: SETOSA }] });
    expect(oip.status).toBe(500);
    expect(oip.body.error).toMatch(/^the model failed on this input: .*Reshape/);
    const plain = await post(runtime.address, '/predict', { inputs: { features: [SETOSA] } });
    expect(plain.status).toBe(500);
    expect(plain.body.error).toMatchObject({ code: 'model_error' });
    // A caller's mistake is still a 400.
    expect((await post(runtime.address, '/predict', { inputs: { features: [[1, 2]] } })).status).toBe(400);
    expect((await fetch(`${runtime.address}/v2/health/ready`)).status).toBe(200);
  });
});
