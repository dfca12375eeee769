import { describe, expect, it } from 'vitest';
import { bucketIndex, LATENCY_BUCKET_COUNT } from './histogram';
import { certainErrorBreach, judgeLiveWindow, sampleSinceStart } from './live-window';
import { DEFAULT_GUARDRAILS, type VariantSample } from './significance';

function sample(count: number, errors: number, latencyMs = 2): VariantSample {
  const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  buckets[bucketIndex(latencyMs)] = count;
  return { count, errors, buckets };
}

describe('sampleSinceStart', () => {
  it('subtracts what each set had answered when the step began and merges the sets', () => {
    const now = new Map([
      ['a', sample(130, 10)],
      ['b', sample(20, 0)],
    ]);
    const merged = sampleSinceStart(now, { a: sample(100, 4) }, ['a', 'b']);
    expect(merged.count).toBe(50);
    expect(merged.errors).toBe(6);
    expect(merged.buckets[bucketIndex(2)]).toBe(50);
  });

  it('counts everything of a counter that went below its snapshot (reset) and ignores sets without counters', () => {
    const merged = sampleSinceStart(new Map([['a', sample(7, 7)]]), { a: sample(100, 0), c: sample(5, 0) }, ['a', 'c']);
    expect(merged).toMatchObject({ count: 7, errors: 7 });
  });
});

describe('certainErrorBreach', () => {
  const guardrails = { ...DEFAULT_GUARDRAILS, minRequests: 50, maxErrorRateIncrease: 0.05 };

  it('fails a candidate whose failures already exceed the limit at the minimum, before it reaches the minimum', () => {
    // 3 failures: even if the next 47 requests succeed, 3/50 = 6% > 0% + 5 pp.
    const verdict = certainErrorBreach(sample(1000, 0), sample(3, 3), guardrails);
    expect(verdict).toMatchObject({ outcome: 'fail', breaches: [{ metric: 'error_rate', candidate: 1, baseline: 0, requests: 3 }] });
    expect(verdict?.outcome === 'fail' && verdict.message).toBe(
      '3 of 3 requests failed on the candidate vs 0.0% on the primary: its error rate stays above 5.0% even if its next 47 requests succeed',
    );
  });

  it('leaves undecided what the next requests could still redeem, and what the full guardrail judges', () => {
    expect(certainErrorBreach(sample(1000, 0), sample(3, 2), guardrails)).toBeUndefined();
    // The primary fails too: its rate raises the limit.
    expect(certainErrorBreach(sample(100, 5), sample(4, 4), guardrails)).toBeUndefined();
    expect(certainErrorBreach(sample(1000, 0), sample(10, 0), guardrails)).toBeUndefined();
    expect(certainErrorBreach(sample(1000, 0), sample(50, 50), guardrails)).toBeUndefined();
  });
});

describe('judgeLiveWindow', () => {
  it('judges the step on what the sets answered since it began', () => {
    const window = { candidates: ['new'], baselines: ['old'], retryOnPrimary: true, from: { old: sample(5000, 0) } };
    const healthy = new Map([
      ['old', sample(5450, 0)],
      ['new', sample(50, 0)],
    ]);
    expect(judgeLiveWindow(window, healthy, DEFAULT_GUARDRAILS)).toEqual({ outcome: 'pass' });
    const failing = new Map([
      ['old', sample(5020, 0)],
      ['new', sample(2, 2)],
    ]);
    expect(judgeLiveWindow(window, failing, DEFAULT_GUARDRAILS)).toMatchObject({ outcome: 'fail' });
    expect(judgeLiveWindow(window, new Map([['new', sample(2, 0)]]), DEFAULT_GUARDRAILS)).toMatchObject({ outcome: 'insufficient' });
  });
});
