import { buildCnn, encodeModel, GraphBuilder, trainIrisClassifier } from '@slipway/onnx-builder';
import { startRuntime, type RunningRuntime } from '@slipway/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFile, post } from './test/models';

describe('runtime under hostile input', () => {
  let runtime: RunningRuntime;

  beforeAll(async () => {
    runtime = await startRuntime({ modelPath: modelFile('iris', trainIrisClassifier({ seed: 1 }).model), name: 'iris' });
  });
  afterAll(() => runtime?.stop());

  const routes = ['/predict', '/v2/models/iris/infer', '/v1/models/iris:predict'];
  const cell = fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null), fc.constant([]));
  // Finite FP32 values: valid measurements (beyond FP32's range a value is refused with a 400).
  const measurement = fc.float({ noNaN: true, noDefaultInfinity: true });
  const nearlyValid = fc.oneof(
    fc.record({ inputs: fc.record({ features: fc.array(fc.tuple(measurement, measurement, measurement, measurement), { minLength: 1, maxLength: 8 }) }) }),
    fc.record({ inputs: fc.record({ features: fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 4 }) }) }),
    fc.record({
      id: fc.oneof(fc.string(), fc.integer()),
      inputs: fc.array(
        fc.record({
          name: fc.constantFrom('features', 'other', ''),
          datatype: fc.constantFrom('FP32', 'FP64', 'INT64', 'BYTES', 'BOOL', 'FP8', ''),
          shape: fc.array(fc.oneof(fc.integer({ min: -2, max: 6 }), fc.constant(2 ** 40)), { maxLength: 4 }),
          data: fc.array(cell, { maxLength: 10 }),
        }),
        { maxLength: 3 },
      ),
      outputs: fc.option(fc.array(fc.record({ name: fc.constantFrom('label', 'probabilities', 'nope') }), { maxLength: 3 })),
    }),
    fc.record({ instances: fc.array(fc.oneof(fc.array(cell, { maxLength: 6 }), fc.object()), { maxLength: 4 }) }),
  );
  const body = fc.oneof(
    nearlyValid.map((v) => JSON.stringify(v)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string(),
    fc.constant('['.repeat(100_000)),
  );

  it('answers thousands of random payloads with 200 or a 4xx, and stays up', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, async (route, payload) => {
        const response = await fetch(`${runtime.address}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status === 200 || (response.status >= 400 && response.status < 500)).toBe(true);
        expect(() => JSON.parse(text)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
    expect(runtime.process.exitCode).toBeNull();
    expect((await post(runtime.address, '/predict', { inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } })).status).toBe(200);
    // The generator must reach the model, not only the parsers.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
  });
});

describe('runtime answering bad input with a 400, never a 500 (the gateway ejects replicas on 5xx)', () => {
  let runtime: RunningRuntime;
  beforeAll(async () => {
    runtime = await startRuntime({ modelPath: modelFile('iris', trainIrisClassifier({ seed: 1 }).model), name: 'iris' });
  });
  afterAll(() => runtime?.stop());

  it("refuses a malformed percent-escape in the path in the route's protocol", async () => {
    const oip = await post(runtime.address, '/v2/models/x/versions/%E0/infer', { inputs: [] });
    expect(oip).toEqual({ status: 400, body: { error: "malformed percent-escape in the path segment '%E0'" } });
    expect((await post(runtime.address, '/v2/models/%E0/infer', {})).status).toBe(400);
    expect((await fetch(`${runtime.address}/v1/models/%E0%80`)).status).toBe(400);
  });

  it('refuses a 50,000-deep parameters object, and JSON deeper than 64 levels anywhere', async () => {
    const deep = `{"inputs":[{"name":"features","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}],"parameters":${'{"p":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
    expect(await post(runtime.address, '/v2/models/iris/infer', deep)).toEqual({ status: 400, body: { error: 'the body nests deeper than 64 levels' } });
    const nested = await post(runtime.address, '/predict', { inputs: { features: JSON.parse(`${'['.repeat(70)}1${']'.repeat(70)}`) } });
    expect(nested).toEqual({ status: 400, body: { error: { code: 'bad_request', message: 'the body nests deeper than 64 levels' } } });
    // Nesting within the bound is still echoed back.
    const echoed = await post(runtime.address, '/v2/models/iris/infer', {
      parameters: { a: { b: { c: [1, [2, [3]]] } } },
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [5.1, 3.5, 1.4, 0.2] }],
    });
    expect(echoed.status).toBe(200);
    expect(echoed.body.parameters).toEqual({ a: { b: { c: [1, [2, [3]]] } } });
  });

  it("refuses FP32 values beyond the datatype's range, naming the input and element", async () => {
    const body = '{"inputs":[{"name":"features","datatype":"FP32","shape":[1,4],"data":[1,2,1e39,4]}]}';
    const answer = await post(runtime.address, '/v2/models/iris/infer', body);
    expect(answer).toEqual({
      status: 400,
      body: { error: "input 'features': value 2 is 1e+39, expected a number from -3.4028234663852886e+38 to 3.4028234663852886e+38 (FP32)" },
    });
    const plain = await post(runtime.address, '/predict', '{"inputs":{"features":[[1,2,3,-1e39]]}}');
    expect(plain.status).toBe(400);
    expect(plain.body.error.code).toBe('invalid_input');
  });

  it("answers a model's NaN and Infinity outputs as strings, never null", async () => {
    const g = new GraphBuilder('log');
    const x = g.input('x', 'float32', ['batch']);
    g.output('y', 'float32', ['batch']);
    g.node('Log', [x], ['y']);
    const log = await startRuntime({ modelPath: modelFile('log', encodeModel(g)), name: 'log' });
    try {
      const answer = await post(log.address, '/v2/models/log/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [3], data: [1, 0, -1] }] });
      expect(answer.status).toBe(200);
      expect(answer.body.outputs[0]).toEqual({ name: 'y', datatype: 'FP32', shape: [3], data: [0, '-Infinity', 'NaN'] });
    } finally {
      await log.stop();
    }
  });
});

describe('a replica started with a token (as the driver starts every one)', () => {
  const token = 'replica-secret-0123456789abcdef';
  let runtime: RunningRuntime;
  beforeAll(async () => {
    runtime = await startRuntime({ modelPath: modelFile('iris', trainIrisClassifier({ seed: 1 }).model), name: 'iris', token });
  });
  afterAll(() => runtime?.stop());

  const body = JSON.stringify({ inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } });
  const call = (path: string, headers: Record<string, string> = {}, method = 'POST') =>
    fetch(`${runtime.address}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: method === 'POST' ? body : undefined });

  it('answers 401 to a caller without the token or with a wrong one, on every route but the health probes', async () => {
    const refused = await call('/predict');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: { code: 'unauthorized', message: 'this replica answers only its gateway: call the deployment through the gateway' },
    });
    expect((await call('/predict', { 'x-slipway-replica-token': `${token}x` })).status).toBe(401);
    expect((await call('/predict', { 'x-slipway-replica-token': 'replica-secret-0123456789abcdeF' })).status).toBe(401);
    const oip = await call('/v2/models/iris/infer');
    expect(oip.status).toBe(401);
    expect(await oip.json()).toEqual({ error: 'this replica answers only its gateway: call the deployment through the gateway' });
    for (const path of ['/v1/models/iris:predict']) expect((await call(path)).status).toBe(401);
    for (const path of ['/metrics', '/v2/models/iris', '/v2']) expect((await call(path, {}, 'GET')).status).toBe(401);
    for (const path of ['/v2/health/live', '/v2/health/ready']) expect((await call(path, {}, 'GET')).status).toBe(200);
  });

  it('serves the caller that sends the token', async () => {
    const answer = await call('/predict', runtime.headers);
    expect(answer.status).toBe(200);
    expect((await answer.json()).outputs.label).toEqual([0]);
    expect((await call('/metrics', runtime.headers, 'GET')).status).toBe(200);
  });

  it('refuses to start beyond loopback without a token', async () => {
    await expect(
      startRuntime({ modelPath: modelFile('iris', trainIrisClassifier({ seed: 1 }).model), name: 'iris', env: { HOST: '0.0.0.0' } }),
    ).rejects.toThrow(/SLIPWAY_REPLICA_TOKEN/);
  });
});

describe('runtime shutdown', () => {
  it('drains requests it has accepted on SIGTERM, then exits cleanly', async () => {
    // A long queue delay holds accepted requests inside the runtime when the signal arrives.
    const runtime = await startRuntime({
      modelPath: modelFile('cnn', buildCnn({ seed: 3 })),
      name: 'cnn',
      env: { SLIPWAY_MAX_QUEUE_DELAY_MS: '1500' },
    });
    const image = Array.from({ length: 1 }, () => Array.from({ length: 28 }, () => Array.from({ length: 28 }, () => 0.5)));
    const pending = Array.from({ length: 10 }, () => post(runtime.address, '/predict', { inputs: { image: [image] } }));
    await new Promise((r) => setTimeout(r, 500));
    const exited = new Promise<number | null>((resolve) => runtime.process.once('exit', (code) => resolve(code)));
    runtime.process.kill('SIGTERM');
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers[0]!.body.outputs.logits[0]).toHaveLength(10);
    expect(await exited).toBe(0);
    await expect(fetch(`${runtime.address}/v2/health/live`)).rejects.toThrow();
  });
});
