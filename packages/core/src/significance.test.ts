import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKET_COUNT, LatencyHistogram } from './histogram';
import {
  DEFAULT_GUARDRAILS,
  alwaysValidPValue,
  compareVariants,
  effectiveSampleSize,
  evaluateGuardrails,
  rankTestFromBuckets,
  twoProportionTest,
  twoSidedPValue,
  type VariantSample,
} from './significance';

/** A variant whose requests took the given latencies; the first `errors` of them failed. */
function sample(latenciesMs: number[], errors = 0): VariantSample {
  const h = new LatencyHistogram();
  for (const [i, ms] of latenciesMs.entries()) h.record(ms, i < errors);
  return { count: h.count, errors: h.errors, buckets: h.counts };
}

const repeat = (ms: number, n: number) => new Array<number>(n).fill(ms);
/** Deterministic spread of n latencies around `centerMs` (±20%). */
const spread = (centerMs: number, n: number) => Array.from({ length: n }, (_, i) => centerMs * (0.8 + (0.4 * i) / n));

describe('twoProportionTest', () => {
  it('matches a hand-computed pooled z-test: 10/100 vs 20/100', () => {
    // pooled p = 0.15, se = √(0.15·0.85·(1/100 + 1/100)) = 0.050498, z = 0.1 / se = 1.98030
    const result = twoProportionTest({ errors: 10, count: 100 }, { errors: 20, count: 100 });
    expect(result.difference).toBeCloseTo(0.1, 12);
    expect(result.z).toBeCloseTo(1.980295, 5);
    expect(result.pValue).toBeCloseTo(0.04767, 5);
  });

  it('is antisymmetric in z and symmetric in p', () => {
    const a = { errors: 7, count: 300 };
    const b = { errors: 19, count: 410 };
    const ab = twoProportionTest(a, b);
    const ba = twoProportionTest(b, a);
    expect(ba.z).toBeCloseTo(-ab.z, 12);
    expect(ba.difference).toBeCloseTo(-ab.difference, 12);
    expect(ba.pValue).toBeCloseTo(ab.pValue, 12);
  });

  it('returns p = 1 for empty samples and degenerate pooled rates', () => {
    expect(twoProportionTest({ errors: 0, count: 0 }, { errors: 3, count: 10 }).pValue).toBe(1);
    expect(twoProportionTest({ errors: 0, count: 50 }, { errors: 0, count: 80 }).pValue).toBe(1);
    expect(twoProportionTest({ errors: 50, count: 50 }, { errors: 80, count: 80 }).pValue).toBe(1);
  });

  it('gives p ≈ 1 for equal rates and a small p for clearly different ones', () => {
    expect(twoProportionTest({ errors: 20, count: 1000 }, { errors: 40, count: 2000 }).pValue).toBeCloseTo(1, 6);
    expect(twoProportionTest({ errors: 10, count: 1000 }, { errors: 80, count: 1000 }).pValue).toBeLessThan(1e-10);
  });
});

describe('rankTestFromBuckets', () => {
  it('matches a hand-computed Mann–Whitney U with ties', () => {
    // Buckets 0..3 stand for values 1..4: A = {1, 2, 2, 3}, B = {2, 3, 3, 4}.
    // Mid-ranks: 1→1, 2→3, 3→6, 4→8, so R_B = 3 + 6 + 6 + 8 = 23 and U_B = 23 − 4·5/2 = 13.
    // Ties of sizes 3 and 3: var = 16/12 · (9 − 48/56) = 10.857, z = (13 − 8)/√var = 1.5174.
    const result = rankTestFromBuckets([1, 2, 1, 0], [0, 1, 2, 1]);
    expect(result.u).toBe(13);
    expect(result.probabilityBSlower).toBeCloseTo(13 / 16, 12);
    expect(result.z).toBeCloseTo(5 / Math.sqrt((16 / 12) * (9 - 48 / 56)), 12);
    expect(result.pValue).toBeCloseTo(0.129155, 5); // scipy mannwhitneyu, no continuity correction
  });

  it('is symmetric when the samples are swapped', () => {
    const a = [0, 4, 9, 3, 0, 1];
    const b = [1, 2, 5, 6, 4, 0];
    const ab = rankTestFromBuckets(a, b);
    const ba = rankTestFromBuckets(b, a);
    expect(ba.u).toBe(17 * 18 - ab.u);
    expect(ba.z).toBeCloseTo(-ab.z, 12);
    expect(ba.pValue).toBeCloseTo(ab.pValue, 12);
    expect(ba.probabilityBSlower).toBeCloseTo(1 - ab.probabilityBSlower, 12);
  });

  it('gives p ≈ 1 for identical histograms and a tiny p for separated ones', () => {
    const same = sample(spread(20, 500)).buckets;
    const identical = rankTestFromBuckets(same, same);
    expect(identical.pValue).toBeCloseTo(1, 6);
    expect(identical.probabilityBSlower).toBe(0.5);

    const separated = rankTestFromBuckets(sample(spread(10, 200)).buckets, sample(spread(40, 200)).buckets);
    expect(separated.probabilityBSlower).toBe(1);
    expect(separated.z).toBeGreaterThan(10);
    expect(separated.pValue).toBeLessThan(1e-10);
  });

  it('returns p = 1 when a side is empty or everything is tied', () => {
    const empty = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    expect(rankTestFromBuckets(empty, sample(spread(5, 50)).buckets)).toMatchObject({ pValue: 1, probabilityBSlower: 0.5 });
    const tied = sample(repeat(5, 50)).buckets;
    expect(rankTestFromBuckets(tied, tied).pValue).toBe(1);
  });
});

describe('alwaysValidPValue', () => {
  it('matches the mSPRT formula by hand', () => {
    // nτ² = 1: p = √2 · exp(−9 · ½ / 2)
    expect(alwaysValidPValue(3, 100, { tau: 0.1 })).toBeCloseTo(Math.SQRT2 * Math.exp(-2.25), 12);
  });

  it('is never below the fixed-horizon p-value and stays within [0, 1]', () => {
    for (const tau of [0.01, 0.1, 0.5, 2]) {
      for (const n of [1, 10, 30, 100, 1_000, 1e5, 1e7]) {
        for (let z = -8; z <= 8; z += 0.25) {
          const p = alwaysValidPValue(z, n, { tau });
          expect(p).toBeGreaterThanOrEqual(twoSidedPValue(z));
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('is 1 without data and shrinks as evidence grows', () => {
    expect(alwaysValidPValue(5, 0)).toBe(1);
    expect(alwaysValidPValue(0, 1000)).toBe(1);
    expect(alwaysValidPValue(6, 1000)).toBeLessThan(alwaysValidPValue(4, 1000));
    expect(alwaysValidPValue(10, 10_000)).toBeLessThan(1e-10);
  });

  it('uses nA·nB/(nA+nB) as the two-sample effective size', () => {
    expect(effectiveSampleSize(100, 100)).toBe(50);
    expect(effectiveSampleSize(0, 100)).toBe(0);
  });
});

describe('compareVariants', () => {
  it('refuses to call anything significant below 30 requests per side', () => {
    const result = compareVariants(sample(spread(10, 12), 6), sample(spread(500, 8)));
    expect(result.errorRate.significant).toBe(false);
    expect(result.latency.significant).toBe(false);
    expect(result.summary).toBe('Not enough traffic yet: 12 and 8 requests (need 30 each).');
  });

  it('reports no difference for identical variants', () => {
    const variant = sample(spread(20, 1000), 10);
    const result = compareVariants(variant, variant);
    expect(result.errorRate).toEqual({ baseline: 0.01, candidate: 0.01, difference: 0, pValue: 1, significant: false });
    expect(result.latency.pValue).toBe(1);
    expect(result.latency.probabilityCandidateSlower).toBe(0.5);
    expect(result.latency.candidate).toEqual(result.latency.baseline);
    expect(result.summary).toBe('Latency does not differ significantly (p = 1); error rates do not differ significantly (p = 1).');
  });

  it('flags a slower candidate with a higher error rate', () => {
    const result = compareVariants(sample(spread(20, 2000), 20), sample(spread(30, 2000), 120));
    expect(result.latency.significant).toBe(true);
    expect(result.latency.probabilityCandidateSlower).toBeGreaterThan(0.9);
    expect(result.latency.candidate.p50!).toBeGreaterThan(result.latency.baseline.p50!);
    expect(result.errorRate.difference).toBeCloseTo(0.05, 12);
    expect(result.errorRate.significant).toBe(true);
    expect(result.summary).toBe('Candidate is slower (p < 0.001); candidate error rate is higher (6.0% vs 1.0%, p < 0.001).');
  });

  it('reports always-valid p-values, more conservative than the fixed-horizon ones', () => {
    const baseline = { count: 1000, errors: 10, buckets: sample(spread(20, 1000)).buckets };
    const candidate = { count: 1000, errors: 22, buckets: sample(spread(20.5, 1000)).buckets };
    const result = compareVariants(baseline, candidate);
    expect(result.errorRate.pValue).toBeGreaterThan(twoProportionTest(baseline, candidate).pValue);
    expect(result.latency.pValue).toBeGreaterThan(rankTestFromBuckets(baseline.buckets, candidate.buckets).pValue);
  });

  it('returns nulls for a variant without traffic', () => {
    const result = compareVariants(sample([]), sample(spread(20, 100)));
    expect(result.errorRate.baseline).toBeNull();
    expect(result.errorRate.difference).toBeNull();
    expect(result.latency.baseline).toEqual({ p50: null, p95: null, p99: null });
    expect(result.latency.probabilityCandidateSlower).toBeNull();
    expect(result.summary).toBe('Not enough traffic yet: 0 and 100 requests (need 30 each).');
  });
});

describe('evaluateGuardrails', () => {
  it('waits for minRequests on the candidate', () => {
    expect(evaluateGuardrails(sample(repeat(10, 1000)), sample(repeat(10, 49), 49), DEFAULT_GUARDRAILS)).toEqual({
      outcome: 'insufficient',
      requests: 49,
      needed: 50,
      message: 'waiting for traffic: 49 of 50 requests on the candidate',
    });
  });

  it('passes a candidate within both limits', () => {
    const baseline = sample(repeat(100, 1000), 10); // 1.0%
    const candidate = sample(repeat(140, 200), 3); // 1.5%, p99 ≈ 1.4×
    expect(evaluateGuardrails(baseline, candidate, DEFAULT_GUARDRAILS)).toEqual({ outcome: 'pass' });
  });

  it('fails on error rate, comparing against 0 when the primary has no traffic', () => {
    const verdict = evaluateGuardrails(sample([]), sample(repeat(10, 250), 30), DEFAULT_GUARDRAILS);
    expect(verdict).toEqual({
      outcome: 'fail',
      breaches: [{ metric: 'error_rate', candidate: 0.12, baseline: 0, limit: 0.01, requests: 250 }],
      message: 'error rate 12.0% vs 0.0% on the primary (limit +1.0 pp) over 250 requests',
    });
  });

  it('fails on p99 latency and reports every breach', () => {
    const verdict = evaluateGuardrails(sample(repeat(100, 1000)), sample(repeat(400, 250), 30), DEFAULT_GUARDRAILS);
    expect(verdict.outcome).toBe('fail');
    if (verdict.outcome !== 'fail') return;
    expect(verdict.breaches.map((b) => b.metric)).toEqual(['error_rate', 'p99_latency']);
    const [, p99] = verdict.breaches;
    expect(p99?.limit).toBeCloseTo(1.5 * (p99?.baseline ?? Number.NaN) + 1, 12);
    expect(verdict.message).toBe(
      'error rate 12.0% vs 0.0% on the primary (limit +1.0 pp); p99 latency 427 ms vs 102 ms on the primary (limit 1.5×) over 250 requests',
    );
  });

  it('tolerates sub-millisecond p99 growth thanks to the 1 ms slack', () => {
    // 0.21 ms → 0.96 ms is 4.6× but under 1.5 × 0.21 + 1 ms.
    expect(evaluateGuardrails(sample(repeat(0.2, 1000)), sample(repeat(0.9, 250)), DEFAULT_GUARDRAILS)).toEqual({ outcome: 'pass' });
  });
});
