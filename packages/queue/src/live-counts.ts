import { LATENCY_BUCKET_COUNT, type VariantSample } from '@slipway/core';
import { z } from 'zod';

/**
 * Live request counters per variant, shared by every gateway through Redis: each gateway adds what it answered
 * every few hundred milliseconds (HINCRBY, so gateways sum without coordination), and the controller's canary
 * guardrail reads them instead of waiting for the 5 s latency rollups. The counters are cumulative: a reader
 * subtracts a snapshot taken when its window began (`since`).
 */

/** Counters live this long after a variant's last request (long enough for any bake time to be judged). */
export const LIVE_COUNTS_TTL_MS = 26 * 3600_000;

export function liveCountsKey(prefix: string, variantId: string): string {
  return `${prefix}:live:${variantId}`;
}

/** A gateway asks the controllers to look at a canary now: one of its candidates just failed requests. */
export const guardrailNudgeSchema = z.object({ deploymentId: z.string().uuid() });
export type GuardrailNudge = z.infer<typeof guardrailNudgeSchema>;

export function guardrailChannel(prefix: string): string {
  return `${prefix}:guardrail`;
}

export function emptySample(): VariantSample & { buckets: number[] } {
  return { count: 0, errors: 0, buckets: new Array<number>(LATENCY_BUCKET_COUNT).fill(0) };
}

interface Pipeline {
  hincrby(key: string, field: string, increment: number): unknown;
  pexpire(key: string, ms: number): unknown;
  hgetall(key: string): unknown;
}

/** Queues the increments of one variant on a pipeline (fields: `n` requests, `e` 5xx errors, `b<i>` latency buckets). */
export function addLiveCounts(pipeline: Pipeline, prefix: string, variantId: string, delta: VariantSample): void {
  const key = liveCountsKey(prefix, variantId);
  pipeline.hincrby(key, 'n', delta.count);
  if (delta.errors > 0) pipeline.hincrby(key, 'e', delta.errors);
  delta.buckets.forEach((n, i) => {
    if (n > 0) pipeline.hincrby(key, `b${i}`, n);
  });
  pipeline.pexpire(key, LIVE_COUNTS_TTL_MS);
}

/** One HGETALL reply as a sample (a missing key is an empty one). */
export function parseLiveCounts(hash: Record<string, string> | null | undefined): VariantSample {
  const sample = emptySample();
  for (const [field, value] of Object.entries(hash ?? {})) {
    const n = Number(value) || 0;
    if (field === 'n') sample.count = n;
    else if (field === 'e') sample.errors = n;
    else if (field.startsWith('b')) {
      const i = Number(field.slice(1));
      if (Number.isInteger(i) && i >= 0 && i < LATENCY_BUCKET_COUNT) sample.buckets[i] = n;
    }
  }
  return sample;
}

/** The current counters of some variants, read in one round trip. */
export async function readLiveCounts(
  redis: { pipeline(): Pipeline & { exec(): Promise<[Error | null, unknown][] | null> } },
  prefix: string,
  variantIds: readonly string[],
): Promise<Map<string, VariantSample>> {
  if (variantIds.length === 0) return new Map();
  const pipeline = redis.pipeline();
  for (const id of variantIds) pipeline.hgetall(liveCountsKey(prefix, id));
  const replies = (await pipeline.exec()) ?? [];
  return new Map(variantIds.map((id, i) => [id, parseLiveCounts(replies[i]?.[1] as Record<string, string> | undefined)]));
}
