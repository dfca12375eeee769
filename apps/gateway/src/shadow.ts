import { LatencyHistogram } from '@slipway/core';
import type { Db } from '@slipway/db';
import { ofExistingVariants, type RollupSource } from './rollups';

/** Fields that name the model or request rather than carry its answer. */
const IDENTITY_FIELDS = new Set(['model', 'version', 'id', 'model_name', 'model_version', 'parameters']);

/** Same answer: equal structure, numbers within a relative tolerance (replicas may differ in float rounding). */
export function outputsAgree(a: unknown, b: unknown, tolerance = 1e-4): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => outputsAgree(x, b[i], tolerance));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = (o: object) =>
      Object.keys(o)
        .filter((k) => !IDENTITY_FIELDS.has(k))
        .sort();
    const ka = keys(a);
    const kb = keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && outputsAgree((a as any)[k], (b as any)[k], tolerance));
  }
  return a === b;
}

/**
 * How a mirrored request went: the shadow answered like the primary or not, failed (or the caller's answer
 * was an error), or answered when another variant than the primary had answered the caller: nothing to
 * compare with (counted as mirrored, never as agreement or disagreement).
 */
export type ShadowOutcome = 'agreed' | 'disagreed' | 'failed' | 'uncompared';

export interface ShadowCounters {
  mirrored: number;
  agreed: number;
  disagreed: number;
  failed: number;
  uncompared: number;
  latency: LatencyHistogram;
}

function countersOf(map: Map<string, ShadowCounters>, variantId: string): ShadowCounters {
  let c = map.get(variantId);
  if (!c) {
    c = { mirrored: 0, agreed: 0, disagreed: 0, failed: 0, uncompared: 0, latency: new LatencyHistogram() };
    map.set(variantId, c);
  }
  return c;
}

/**
 * Per shadow variant: how often it was mirrored and whether it answered like the primary, written as
 * one ShadowRollup row per window like latency (`mirrored` counts the uncompared too); `byVariant` keeps the totals since start for /metrics.
 */
export class ShadowStats implements RollupSource {
  readonly byVariant = new Map<string, ShadowCounters>();
  private current = new Map<string, ShadowCounters>();
  private windowStart = new Date();

  constructor(private readonly db: Db) {}

  record(variantId: string, outcome: ShadowOutcome, latencyMs: number): void {
    for (const map of [this.byVariant, this.current]) {
      const c = countersOf(map, variantId);
      c.mirrored++;
      c[outcome]++;
      c.latency.record(latencyMs, outcome === 'failed');
    }
  }

  async flush(windowEnd = new Date()): Promise<number> {
    const counters = this.current;
    const windowStart = this.windowStart;
    this.current = new Map();
    this.windowStart = windowEnd;
    if (counters.size === 0) return 0;
    const rows = [...counters].map(([variantId, c]) => ({
      variantId,
      windowStart,
      windowEnd,
      mirrored: c.mirrored,
      agreed: c.agreed,
      disagreed: c.disagreed,
      failed: c.failed,
      buckets: c.latency.counts,
      sumMs: c.latency.sumMs,
    }));
    const { count } = await this.db.shadowRollup.createMany({ data: await ofExistingVariants(this.db, rows) });
    return count;
  }
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
