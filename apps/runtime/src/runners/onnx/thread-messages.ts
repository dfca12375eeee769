import type { ModelSignature } from '@slipway/core';
import type { Feeds, Outputs } from '../../runner';

/** Messages between `OnnxThreadRunner` (the replica's thread) and `inference-worker.ts` (the session's thread). */
export type WorkerRequest = { type: 'run'; id: number; feeds: Feeds } | { type: 'release' };

export type WorkerReply =
  | { type: 'ready'; signature: ModelSignature }
  | { type: 'log'; msg: string; fields?: Record<string, unknown> }
  | { type: 'result'; id: number; outputs: Outputs }
  | { type: 'error'; id: number; message: string };

/** Typed-array buffers move between threads instead of being copied; string tensors are cloned. */
export function transferList(tensors: Feeds | Outputs): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { data } of Object.values(tensors)) {
    if (!Array.isArray(data) && data.buffer instanceof ArrayBuffer) buffers.add(data.buffer);
  }
  return [...buffers];
}
