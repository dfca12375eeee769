import { conciseOrtMessage, TYPED_ARRAYS, type DType, type ModelSignature, type TensorData } from '@slipway/core';
import type { Feeds, ModelRunner } from './runner';

/** An input that fits the signature: zeros (empty strings for BYTES), batch 1 in every dynamic dimension. */
export function zeroFeeds(signature: ModelSignature): Feeds {
  const feeds: Feeds = {};
  for (const spec of signature.inputs) {
    const shape = spec.shape.map((d) => d ?? 1);
    const length = shape.reduce((a, b) => a * b, 1);
    feeds[spec.name] = { dtype: spec.dtype, shape, data: spec.dtype === 'string' ? Array<string>(length).fill('') : new TYPED_ARRAYS[spec.dtype](length) };
  }
  return feeds;
}

/**
 * Runs the model once on zeros before the replica listens, so the first caller does not pay onnxruntime's
 * first-run cost. A model that fails on zeros still serves: callers' inputs may suit it.
 */
export async function warmUp(model: ModelRunner, log: (msg: string, fields: Record<string, unknown>) => void, timings: Record<string, number>): Promise<void> {
  const started = performance.now();
  const warmupMs = () => roundMs(performance.now() - started);
  try {
    await model.run(zeroFeeds(model.signature));
    log('warmed', { ...timings, warmupMs: warmupMs() });
  } catch (error) {
    log('warm-up failed', { ...timings, warmupMs: warmupMs(), reason: conciseOrtMessage(error, 300) });
  }
}

export const roundMs = (ms: number): number => Math.round(ms * 10) / 10;
