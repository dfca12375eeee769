import { buildCnn, trainIrisClassifier } from '@slipway/onnx-builder';
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
  const measurement = fc.double({ noNaN: true, noDefaultInfinity: true });
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
