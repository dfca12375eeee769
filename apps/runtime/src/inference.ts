import { conciseOrtMessage, hasDynamicBatch, type ModelSignature } from '@slipway/core';
import { DirectInferencer, DynamicBatcher, type Inferencer } from './batcher';
import type { RuntimeEnv } from './env';
import { RequestError } from './protocols/errors';
import type { Feeds, ModelRunner, Outputs } from './runner';

/** What the protocol layer calls to predict, whatever the runner: batching and drift collection included. */
export interface Inference {
  /** The model's outputs for validated feeds; a failing run is a `model_error` RequestError. */
  infer(feeds: Feeds): Promise<Outputs>;
  /** Requests waiting for a batch slot. */
  queueDepth(): number;
  /** Time spent on drift collection, when this replica collects. */
  driftSeconds(): number | undefined;
}

export interface BatchingOptions {
  maxBatchSize: number;
  maxQueueDelayMs: number;
}

/** Sees every answered request's inputs and outputs (drift monitoring); `secondsSpent` is what that has cost. */
export interface InferenceObserver {
  observe(feeds: Feeds, outputs: Outputs): void;
  readonly secondsSpent: number;
}

/** Batching options when the launch config asks for batching (`auto`: when the model's first dimension is dynamic). */
export function batchingFor(launch: RuntimeEnv, signature: ModelSignature): BatchingOptions | undefined {
  const on = launch.SLIPWAY_BATCHING === 'on' || (launch.SLIPWAY_BATCHING === 'auto' && hasDynamicBatch(signature));
  return on ? { maxBatchSize: launch.SLIPWAY_MAX_BATCH_SIZE, maxQueueDelayMs: launch.SLIPWAY_MAX_QUEUE_DELAY_MS } : undefined;
}

export function createInference(options: {
  runner: ModelRunner;
  /** Undefined: each request runs alone. */
  batching: BatchingOptions | undefined;
  /** Rows per run, for the batch-size histogram. */
  onBatch(rows: number): void;
  drift?: InferenceObserver | undefined;
}): Inference {
  const { runner, batching, drift } = options;
  const observer = { onBatch: options.onBatch };
  const inferencer: Inferencer = batching ? new DynamicBatcher(runner, batching, observer) : new DirectInferencer(runner, observer);
  return {
    async infer(feeds) {
      try {
        const outputs = await inferencer.infer(feeds);
        drift?.observe(feeds, outputs);
        return outputs;
      } catch (error) {
        // The input passed the signature checks: the caller sent what the model says it takes, so a failing
        // run is the model's failure (as KServe and Triton answer it), counted against a canary's error rate.
        throw new RequestError('model_error', `the model failed on this input: ${conciseOrtMessage(error, 300)}`);
      }
    },
    queueDepth: () => inferencer.queueDepth(),
    driftSeconds: () => drift?.secondsSpent,
  };
}
