import { z } from 'zod';
import { LATENCY_BUCKET_COUNT } from './histogram';
import { evaluateGuardrails, type Guardrails, type GuardrailVerdict, type VariantSample } from './significance';

/**
 * A canary step judged on live, cumulative counters: what each replica set had answered when the step
 * began is kept (`from`), and the step's sample is the difference, summed over the sets judged together.
 */
export const liveSampleSchema = z.object({ count: z.number(), errors: z.number(), buckets: z.array(z.number()).readonly() });

/** The replica sets a canary step judges, whether the candidates' failures are retried on the primary, and the counters at the step's start. */
export const liveWindowSchema = z.object({
  candidates: z.array(z.string()),
  baselines: z.array(z.string()),
  retryOnPrimary: z.boolean(),
  from: z.record(z.string(), liveSampleSchema),
});
export type LiveWindow = z.infer<typeof liveWindowSchema>;

/**
 * The sets' counts since the window began, merged. A counter below its snapshot was reset (Redis restarted, the
 * counters expired): everything it holds is then new.
 */
export function sampleSinceStart(now: ReadonlyMap<string, VariantSample>, from: LiveWindow['from'], ids: readonly string[]): VariantSample {
  const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  const merged = { count: 0, errors: 0, buckets };
  for (const id of ids) {
    const current = now.get(id);
    if (!current) continue;
    const start = from[id];
    const base = start && start.count <= current.count ? start : undefined;
    merged.count += current.count - (base?.count ?? 0);
    merged.errors += Math.max(0, current.errors - (base?.errors ?? 0));
    for (let i = 0; i < LATENCY_BUCKET_COUNT; i++) buckets[i]! += Math.max(0, (current.buckets[i] ?? 0) - (base?.buckets[i] ?? 0));
  }
  return merged;
}

/**
 * Before the candidate has answered `minRequests`, a breach that is already certain: so many of its requests
 * failed that even if every request up to `minRequests` succeeds, its error rate stays above the limit (the
 * primary's rate plus the allowed increase). A candidate that fails everything is thus rolled back on its first
 * failures instead of after the whole minimum.
 */
export function certainErrorBreach(baseline: VariantSample, candidate: VariantSample, guardrails: Guardrails): GuardrailVerdict | undefined {
  if (candidate.count >= guardrails.minRequests || candidate.errors === 0) return undefined;
  const baselineRate = baseline.count > 0 ? baseline.errors / baseline.count : 0;
  const limit = baselineRate + guardrails.maxErrorRateIncrease;
  const lowestRate = candidate.errors / guardrails.minRequests;
  if (lowestRate <= limit) return undefined;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return {
    outcome: 'fail',
    breaches: [{ metric: 'error_rate', candidate: candidate.errors / candidate.count, baseline: baselineRate, limit, requests: candidate.count }],
    message:
      `${candidate.errors} of ${candidate.count} requests failed on the candidate vs ${pct(baselineRate)} on the primary: ` +
      `its error rate stays above ${pct(limit)} even if its next ${guardrails.minRequests - candidate.count} requests succeed`,
  };
}

/** A canary step's verdict on live counters: the candidates since the step began against the sets they replace. */
export function judgeLiveWindow(window: LiveWindow, counts: ReadonlyMap<string, VariantSample>, guardrails: Guardrails): GuardrailVerdict {
  const baseline = sampleSinceStart(counts, window.from, window.baselines);
  const candidate = sampleSinceStart(counts, window.from, window.candidates);
  return certainErrorBreach(baseline, candidate, guardrails) ?? evaluateGuardrails(baseline, candidate, guardrails);
}
