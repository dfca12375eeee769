import { signatureFromOrtMetadata, type ModelSignature, type TensorData } from '@slipway/core';
import { buildFailingModel, trainIrisClassifier } from '@slipway/onnx-builder';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer, RequestHandler } from './exchange';
import { parseRuntimeEnv } from './env';
import { type BatchingOptions, createInference, type InferenceObserver } from './inference';
import { RuntimeMetrics } from './metrics';
import { createProtocolHandler } from './protocols/router';
import type { Feeds, ModelRunner, Outputs } from './runner';
import { loadRunner } from './runners';
import { ServingState } from './serving-state';
import { modelFile } from './test/models';

const SETOSA = [5.1, 3.5, 1.4, 0.2];
const VIRGINICA = [6.7, 3.0, 5.2, 2.3];

/**
 * A second kind of runner, written here against the seam alone: its own onnxruntime session, reporting its own
 * platform and recording the rows of every batch it is given. Serving must work through it unchanged.
 */
class RecordingRunner implements ModelRunner {
  readonly platform = 'recording_runner';
  readonly batches: number[] = [];

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly signature: ModelSignature,
  ) {}

  static async load(path: string): Promise<RecordingRunner> {
    const session = await ort.InferenceSession.create(path);
    return new RecordingRunner(session, signatureFromOrtMetadata(session.inputMetadata, session.outputMetadata));
  }

  async run(feeds: Feeds): Promise<Outputs> {
    this.batches.push(Object.values(feeds)[0]!.shape[0]!);
    const tensors = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(t.dtype, t.data as ort.Tensor.DataType, t.shape)]));
    const results = await this.session.run(tensors);
    return Object.fromEntries(
      this.signature.outputs.map((spec) => [
        spec.name,
        { dtype: spec.dtype, shape: [...results[spec.name]!.dims], data: results[spec.name]!.data as TensorData },
      ]),
    );
  }

  close(): Promise<void> {
    return this.session.release();
  }
}

/** The protocol layer over `runner`, with no transport: requests go in decoded, answers come out whole. */
function serve(runner: ModelRunner, options: { batching?: BatchingOptions; drift?: InferenceObserver } = {}) {
  const metrics = new RuntimeMetrics();
  const inference = createInference({ runner, batching: options.batching, onBatch: (rows) => metrics.recordBatch(rows), drift: options.drift });
  const model = { name: 'iris', version: '2', signature: runner.signature, platform: runner.platform, featureNames: ['sl', 'sw', 'pl', 'pw'] };
  const handle = createProtocolHandler({ model, inference, metrics, state: new ServingState() });
  return (method: string, path: string, body?: unknown) => ask(handle, method, path, body);
}

// biome-ignore lint/suspicious/noExplicitAny: answers are JSON, asserted field by field
async function ask(handle: RequestHandler, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string }> {
  let answer: Answer | undefined;
  await handle({ method, path, authorized: true, readBody: async () => body }, (a) => {
    answer = a;
  });
  const text = answer!.payload;
  return { status: answer!.status, text, body: answer!.contentType === 'application/json' ? JSON.parse(text) : undefined };
}

describe('the ModelRunner seam', () => {
  const irisPath = modelFile('iris', trainIrisClassifier({ seed: 1 }).model);
  let runner: RecordingRunner;

  beforeAll(async () => {
    runner = await RecordingRunner.load(irisPath);
  });
  afterAll(() => runner?.close());

  it('serves every protocol through a runner the transports and protocols never heard of', async () => {
    const request = serve(runner);
    const metadata = await request('GET', '/v2/models/iris/versions/2');
    expect(metadata.body).toMatchObject({ name: 'iris', versions: ['2'], platform: 'recording_runner' });
    expect(metadata.body.inputs).toEqual([{ name: 'features', datatype: 'FP32', shape: [-1, 4] }]);

    const oip = await request('POST', '/v2/models/iris/infer', { inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: [SETOSA, VIRGINICA] }] });
    expect(oip.status).toBe(200);
    expect(oip.body.outputs.find((o: { name: string }) => o.name === 'label')).toEqual({ name: 'label', datatype: 'INT64', shape: [2], data: [0, 2] });

    const v1 = await request('POST', '/v1/models/iris:predict', { instances: [VIRGINICA] });
    expect(v1).toMatchObject({ status: 200, body: { predictions: [expect.any(Object)] } });
    expect(v1.body.predictions[0].label).toBe(2);

    const predict = await request('POST', '/predict', { features: [{ sl: 5.1, sw: 3.5, pl: 1.4, pw: 0.2 }] });
    expect(predict).toMatchObject({ status: 200, body: { model: 'iris', version: '2', outputs: { label: [0] } } });
  });

  it('batches concurrent requests into one run of the runner and splits the answers back per caller', async () => {
    const rowsBefore = runner.batches.length;
    const request = serve(runner, { batching: { maxBatchSize: 8, maxQueueDelayMs: 0 } });
    const rows = [SETOSA, VIRGINICA, SETOSA, VIRGINICA];
    const answers = await Promise.all(rows.map((row) => request('POST', '/predict', { inputs: { features: [row] } })));
    expect(answers.map((a) => a.body.outputs.label)).toEqual([[0], [2], [0], [2]]);
    const batches = runner.batches.slice(rowsBefore);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(4);
    // The first request finds the runner idle and runs alone; the others wait for it and share the next run.
    expect(batches.length).toBeLessThan(4);
    const metrics = (await request('GET', '/metrics')).text;
    expect(metrics).toContain(`slipway_runtime_batch_size_count{model="iris"} ${batches.length}`);
  });

  it('hands the runner’s outputs to drift collection with the inputs that produced them', async () => {
    const seen: { inputs: Feeds; outputs: Outputs }[] = [];
    const request = serve(runner, { drift: { observe: (inputs, outputs) => seen.push({ inputs, outputs }), secondsSpent: 0.25 } });
    await request('POST', '/predict', { inputs: { features: [VIRGINICA] } });
    expect(seen).toHaveLength(1);
    expect([...(seen[0]!.inputs.features!.data as Float32Array)]).toEqual(VIRGINICA.map(Math.fround));
    expect([...(seen[0]!.outputs.label!.data as BigInt64Array)]).toEqual([2n]);
    expect((await request('GET', '/metrics')).text).toContain('slipway_runtime_drift_seconds_total{model="iris"} 0.25');
  });

  it('answers a runner’s failure as the model’s error, in each protocol’s own shape', async () => {
    const failing = await RecordingRunner.load(modelFile('failing', buildFailingModel()));
    try {
      const request = serve(failing);
      const oip = await request('POST', '/v2/models/iris/infer', { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: SETOSA }] });
      expect(oip.status).toBe(500);
      expect(oip.body).toEqual({ error: expect.stringMatching(/^the model failed on this input: /) });
      const predict = await request('POST', '/predict', { inputs: { features: [SETOSA] } });
      expect(predict.status).toBe(500);
      expect(predict.body.error).toMatchObject({ code: 'model_error', message: expect.stringMatching(/^the model failed on this input: /) });
      // Input the signature refuses never reaches the runner.
      const before = failing.batches.length;
      const misfit = await request('POST', '/predict', { inputs: { features: [[1, 2]] } });
      expect(misfit.status).toBe(400);
      expect(failing.batches).toHaveLength(before);
    } finally {
      await failing.close();
    }
  });

  it('loads the launch config’s runner, on the main thread or a worker thread, with the same answers', async () => {
    const launch = (thread: string) => parseRuntimeEnv({ SLIPWAY_MODEL_PATH: irisPath, SLIPWAY_MODEL_NAME: 'iris', SLIPWAY_INFERENCE_THREAD: thread });
    for (const thread of ['main', 'worker']) {
      const loaded = await loadRunner(launch(thread), () => {});
      try {
        expect(loaded.platform).toBe('onnxruntime_onnx');
        expect(loaded.signature).toEqual(runner.signature);
        const answer = await serve(loaded)('POST', '/predict', { inputs: { features: [SETOSA, VIRGINICA] } });
        expect(answer.body.outputs.label).toEqual([0, 2]);
      } finally {
        await loaded.close();
      }
    }
  });
});
