import { listeningLine } from '@slipway/core';
import { startDriftCollection } from './drift-sink';
import { parseRuntimeEnv } from './env';
import { batchingFor, createInference } from './inference';
import { RuntimeMetrics } from './metrics';
import { loadRunner } from './runners';
import { createRuntimeServer } from './server';
import { listen } from './transports/listen';
import { roundMs, warmUp } from './warm-up';
import { log } from './log';

// A replica outlives a SIGKILLed worker, which takes the read end of these pipes with it: losing
// log lines beats crashing on EPIPE (e.g. on the `draining` line, skipping the drain).
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

const env = parseRuntimeEnv();
// Cold start, for benchmarks: bootMs from process start to loading (Node and module imports), then load, then warm-up.
const loadStarted = performance.now();
const runner = await loadRunner(env, log);
const timings = { bootMs: roundMs(loadStarted), loadMs: roundMs(performance.now() - loadStarted) };
// Before listening: the replica is ready (and in the routing table) only once warm.
if (env.SLIPWAY_WARM_UP === 'on') await warmUp(runner, log, timings);
else log('loaded', timings);

const metrics = new RuntimeMetrics();
const batching = batchingFor(env, runner.signature);
const drift = startDriftCollection(env, { signature: runner.signature, featureNames: env.SLIPWAY_FEATURE_NAMES }, log);
const { server, framed, drain } = createRuntimeServer({
  model: {
    name: env.SLIPWAY_MODEL_NAME,
    version: env.SLIPWAY_MODEL_VERSION,
    signature: runner.signature,
    platform: runner.platform,
    featureNames: env.SLIPWAY_FEATURE_NAMES,
  },
  inference: createInference({ runner, batching, onBatch: (rows) => metrics.recordBatch(rows), drift: drift?.collector }),
  metrics,
  maxBodyBytes: env.SLIPWAY_MAX_BODY_BYTES,
  token: env.SLIPWAY_REPLICA_TOKEN,
});

const [port, framedPort] = await Promise.all([listen(server, env.PORT, env.HOST), listen(framed.server, env.SLIPWAY_FRAMED_PORT, env.HOST)]);
const { SLIPWAY_INFERENCE_THREAD: inferenceThread, SLIPWAY_MODEL_NAME: model, SLIPWAY_MODEL_VERSION: version } = env;
process.stdout.write(`${listeningLine({ port, framedPort, inferenceThread, model, version, batching: batching !== undefined })}\n`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    log('draining', { signal });
    void drain(env.SLIPWAY_DRAIN_TIMEOUT_MS)
      .then(() => drift?.close())
      .then(() => runner.close())
      .finally(() => process.exit(0));
  });
}
