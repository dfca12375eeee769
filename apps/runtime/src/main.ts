import { hasDynamicBatch, listeningLine } from '@slipway/core';
import { DirectInferencer, DynamicBatcher, type Inferencer } from './batcher';
import { startDriftCollection } from './drift-sink';
import { parseRuntimeEnv } from './env';
import { RuntimeMetrics } from './metrics';
import { LoadedModel, type ModelRunner } from './model';
import { WorkerModel } from './worker-model';
import { createRuntimeServer } from './server';
import { roundMs, warmUp } from './warm-up';

// A replica outlives a SIGKILLed worker, which takes the read end of these pipes with it: losing
// log lines beats crashing on EPIPE (e.g. on the `draining` line, skipping the drain).
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

/** Structured log lines on stdout; the driver reads the `listening` line to learn the port. */
function log(msg: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ msg, ...fields })}\n`);
}

const env = parseRuntimeEnv();
const loadOptions = {
  path: env.SLIPWAY_MODEL_PATH,
  intraOpThreads: env.SLIPWAY_INTRA_OP_THREADS,
  executionProvider: env.SLIPWAY_EXECUTION_PROVIDER,
  log,
};
const inferenceThread = env.SLIPWAY_INFERENCE_THREAD;
// Cold start, for benchmarks: bootMs from process start to loading (Node and module imports), then load, then warm-up.
const loadStarted = performance.now();
const model: ModelRunner = inferenceThread === 'worker' ? await WorkerModel.load(loadOptions) : await LoadedModel.load(loadOptions);
const timings = { bootMs: roundMs(loadStarted), loadMs: roundMs(performance.now() - loadStarted) };
// Before listening: the replica is ready (and in the routing table) only once warm.
if (env.SLIPWAY_WARM_UP === 'on') await warmUp(model, log, timings);
else log('loaded', timings);
const metrics = new RuntimeMetrics();
const observer = { onBatch: (size: number) => metrics.recordBatch(size) };
const batching = env.SLIPWAY_BATCHING === 'on' || (env.SLIPWAY_BATCHING === 'auto' && hasDynamicBatch(model.signature));
const inferencer: Inferencer = batching
  ? new DynamicBatcher(model, { maxBatchSize: env.SLIPWAY_MAX_BATCH_SIZE, maxQueueDelayMs: env.SLIPWAY_MAX_QUEUE_DELAY_MS }, observer)
  : new DirectInferencer(model, observer);

const drift = startDriftCollection(env, { signature: model.signature, featureNames: env.SLIPWAY_FEATURE_NAMES }, log);
const { server, framed, drain } = createRuntimeServer({
  model: { name: env.SLIPWAY_MODEL_NAME, version: env.SLIPWAY_MODEL_VERSION, signature: model.signature, featureNames: env.SLIPWAY_FEATURE_NAMES },
  inferencer,
  metrics,
  maxBodyBytes: env.SLIPWAY_MAX_BODY_BYTES,
  token: env.SLIPWAY_REPLICA_TOKEN,
  drift: drift?.collector,
});

const listen = (listener: typeof server | typeof framed.server, port: number) =>
  new Promise<number>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, env.HOST, () => {
      const address = listener.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
const [port, framedPort] = await Promise.all([listen(server, env.PORT), listen(framed.server, env.SLIPWAY_FRAMED_PORT)]);
process.stdout.write(`${listeningLine({ port, framedPort, inferenceThread, model: env.SLIPWAY_MODEL_NAME, version: env.SLIPWAY_MODEL_VERSION, batching })}\n`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    log('draining', { signal });
    void drain(env.SLIPWAY_DRAIN_TIMEOUT_MS)
      .then(() => drift?.close())
      .then(() => model.release())
      .finally(() => process.exit(0));
  });
}
