/**
 * Statistics for comparing deployment variants (baseline vs candidate) from the counters the
 * gateway already keeps: request and error counts plus fixed-bucket latency histograms.
 */
import { percentileFromBuckets } from './histogram';
import { at } from './invariant';

/** A variant's traffic over a window; `buckets` has LATENCY_BUCKET_COUNT counters. */
export interface VariantSample {
  count: number;
  errors: number;
  buckets: readonly number[];
}

/** Two-sided p-value of a standard normal statistic, clamped to [0, 1]. */
export function twoSidedPValue(z: number): number {
  return Math.min(1, Math.max(0, erfc(Math.abs(z) / Math.SQRT2)));
}

// Chebyshev fit (Numerical Recipes `erfcc`), relative error below 1.2e-7 everywhere, which keeps
// small tail p-values accurate where 1 - erf(x) would cancel to zero.
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** nA·nB / (nA + nB): the n for which a two-sample z equals √n × the standardised effect. */
export function effectiveSampleSize(nA: number, nB: number): number {
  return nA > 0 && nB > 0 ? (nA * nB) / (nA + nB) : 0;
}

/** Pooled two-sided z-test for a difference in error rates; difference = rateB − rateA. */
export function twoProportionTest(
  a: { errors: number; count: number },
  b: { errors: number; count: number },
): { difference: number; z: number; pValue: number } {
  const difference = rate(b) - rate(a);
  const pooled = (a.errors + b.errors) / (a.count + b.count);
  if (a.count === 0 || b.count === 0 || !(pooled > 0 && pooled < 1)) return { difference, z: 0, pValue: 1 };
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.count + 1 / b.count));
  const z = difference / se;
  return { difference, z, pValue: twoSidedPValue(z) };
}

/**
 * Mann–Whitney U from two histograms with the same bounds. Observations sharing a bucket are
 * ties, so U counts each (A, B) pair as 1 when B's bucket is higher and ½ when equal, and the
 * variance is tie-corrected. z > 0 means B tends to be slower.
 */
export function rankTestFromBuckets(a: readonly number[], b: readonly number[]): { u: number; z: number; pValue: number; probabilityBSlower: number } {
  if (a.length !== b.length) throw new RangeError('histograms have different bucket counts');
  let nA = 0;
  let nB = 0;
  let u = 0;
  let tieTerm = 0; // Σ (t³ − t) over buckets, t = observations in the bucket
  for (const [i, inA] of a.entries()) {
    const inB = at(b, i);
    u += inB * (nA + inA / 2);
    nA += inA;
    nB += inB;
    const t = inA + inB;
    tieTerm += t * t * t - t;
  }
  const pairs = nA * nB;
  if (pairs === 0) return { u: 0, z: 0, pValue: 1, probabilityBSlower: 0.5 };
  const n = nA + nB;
  const variance = (pairs / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const z = variance > 0 ? (u - pairs / 2) / Math.sqrt(variance) : 0;
  return { u, z, pValue: twoSidedPValue(z), probabilityBSlower: u / pairs };
}

/**
 * Always-valid p-value from a normal-mixture mSPRT (Johari, Pekelis & Walsh 2017). With the
 * standardised effect given a N(0, τ²) mixing prior, the likelihood ratio after n observations is
 *   Λ = (1 + nτ²)^(-1/2) · exp(z² · nτ² / (2(1 + nτ²)))
 * and p = min(1, 1/Λ). By Ville's inequality P(∃n: p ≤ α) ≤ α under H0, so the page can be
 * checked every day; a caller keeping history may report the running minimum. τ ≈ the effect
 * size (in standard deviations) the test should be most sensitive to; 0.1 by default.
 */
export function alwaysValidPValue(z: number, n: number, options: { tau?: number } = {}): number {
  const tau = options.tau ?? 0.1;
  if (!(n > 0) || !(tau > 0) || !Number.isFinite(z)) return 1;
  const s = n * tau * tau;
  const logP = 0.5 * Math.log1p(s) - (z * z * s) / (2 * (1 + s));
  return Math.min(1, Math.exp(logP));
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface VariantComparison {
  errorRate: {
    baseline: number | null;
    candidate: number | null;
    difference: number | null;
    pValue: number;
    significant: boolean;
  };
  latency: {
    baseline: Percentiles;
    candidate: Percentiles;
    probabilityCandidateSlower: number | null;
    pValue: number;
    significant: boolean;
  };
  /** One sentence a data scientist can read, e.g. "Candidate is slower (p = 0.003); error rates do not differ significantly (p = 0.41)." */
  summary: string;
}

/** Requests each variant needs before any difference is called significant. */
export const MIN_REQUESTS_FOR_SIGNIFICANCE = 30;

/** Compares a candidate with its baseline using always-valid p-values, so repeated looks are safe. */
export function compareVariants(baseline: VariantSample, candidate: VariantSample, options: { alpha?: number } = {}): VariantComparison {
  const alpha = options.alpha ?? 0.05;
  const enough = baseline.count >= MIN_REQUESTS_FOR_SIGNIFICANCE && candidate.count >= MIN_REQUESTS_FOR_SIGNIFICANCE;

  const errorTest = twoProportionTest(baseline, candidate);
  const errorP = alwaysValidPValue(errorTest.z, effectiveSampleSize(baseline.count, candidate.count));
  const baselineRate = baseline.count > 0 ? baseline.errors / baseline.count : null;
  const candidateRate = candidate.count > 0 ? candidate.errors / candidate.count : null;
  const errorRate = {
    baseline: baselineRate,
    candidate: candidateRate,
    difference: baselineRate !== null && candidateRate !== null ? candidateRate - baselineRate : null,
    pValue: errorP,
    significant: enough && errorP < alpha,
  };

  const rankTest = rankTestFromBuckets(baseline.buckets, candidate.buckets);
  const latencyP = alwaysValidPValue(rankTest.z, effectiveSampleSize(sum(baseline.buckets), sum(candidate.buckets)));
  const hasLatency = sum(baseline.buckets) > 0 && sum(candidate.buckets) > 0;
  const latency = {
    baseline: percentiles(baseline.buckets),
    candidate: percentiles(candidate.buckets),
    probabilityCandidateSlower: hasLatency ? rankTest.probabilityBSlower : null,
    pValue: latencyP,
    significant: enough && latencyP < alpha,
  };

  let summary: string;
  if (!enough) {
    summary = `Not enough traffic yet: ${baseline.count} and ${candidate.count} requests (need ${MIN_REQUESTS_FOR_SIGNIFICANCE} each).`;
  } else {
    const latencyClause = latency.significant
      ? `Candidate is ${rankTest.probabilityBSlower > 0.5 ? 'slower' : 'faster'} (${formatP(latencyP)})`
      : `Latency does not differ significantly (${formatP(latencyP)})`;
    const errorClause = errorRate.significant
      ? `candidate error rate is ${errorTest.difference > 0 ? 'higher' : 'lower'} (${formatPercent(candidateRate!)} vs ${formatPercent(baselineRate!)}, ${formatP(errorP)})`
      : `error rates do not differ significantly (${formatP(errorP)})`;
    summary = `${latencyClause}; ${errorClause}.`;
  }
  return { errorRate, latency, summary };
}

export interface Guardrails {
  maxErrorRateIncrease: number;
  maxP99Ratio: number;
  minRequests: number;
}

export const DEFAULT_GUARDRAILS: Guardrails = { maxErrorRateIncrease: 0.01, maxP99Ratio: 1.5, minRequests: 50 };

export type GuardrailBreach = {
  metric: 'error_rate' | 'p99_latency';
  candidate: number;
  baseline: number;
  /** The threshold the candidate value exceeded. */
  limit: number;
  requests: number;
};

export type GuardrailVerdict =
  | { outcome: 'pass' }
  | { outcome: 'fail'; breaches: GuardrailBreach[]; message: string }
  | { outcome: 'insufficient'; requests: number; needed: number; message: string };

// Sub-millisecond p99 swings are bucket noise, not regressions.
const P99_SLACK_MS = 1;

/** Canary check against hard limits (not a significance test): decides promote vs roll back. */
export function evaluateGuardrails(baseline: VariantSample, candidate: VariantSample, guardrails: Guardrails): GuardrailVerdict {
  const requests = candidate.count;
  if (requests < guardrails.minRequests) {
    return {
      outcome: 'insufficient',
      requests,
      needed: guardrails.minRequests,
      message: `waiting for traffic: ${requests} of ${guardrails.minRequests} requests on the candidate`,
    };
  }

  const breaches: GuardrailBreach[] = [];
  const details: string[] = [];

  const baselineRate = rate(baseline);
  const candidateRate = rate(candidate);
  const errorLimit = baselineRate + guardrails.maxErrorRateIncrease;
  if (candidateRate > errorLimit) {
    breaches.push({ metric: 'error_rate', candidate: candidateRate, baseline: baselineRate, limit: errorLimit, requests });
    details.push(
      `error rate ${formatPercent(candidateRate)} vs ${formatPercent(baselineRate)} on the primary ` +
        `(limit +${(guardrails.maxErrorRateIncrease * 100).toFixed(1)} pp)`,
    );
  }

  const baselineP99 = baseline.count > 0 ? percentileFromBuckets(baseline.buckets, 99) : null;
  const candidateP99 = percentileFromBuckets(candidate.buckets, 99);
  if (baselineP99 !== null && candidateP99 !== null) {
    const latencyLimit = guardrails.maxP99Ratio * baselineP99 + P99_SLACK_MS;
    if (candidateP99 > latencyLimit) {
      breaches.push({ metric: 'p99_latency', candidate: candidateP99, baseline: baselineP99, limit: latencyLimit, requests });
      details.push(
        `p99 latency ${formatMs(candidateP99)} vs ${formatMs(baselineP99)} on the primary ` + `(limit ${Number(guardrails.maxP99Ratio.toFixed(2))}×)`,
      );
    }
  }

  if (breaches.length === 0) return { outcome: 'pass' };
  return { outcome: 'fail', breaches, message: `${details.join('; ')} over ${requests} requests` };
}

function rate(sample: { errors: number; count: number }): number {
  return sample.count > 0 ? sample.errors / sample.count : 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function percentiles(buckets: readonly number[]): Percentiles {
  return {
    p50: percentileFromBuckets(buckets, 50),
    p95: percentileFromBuckets(buckets, 95),
    p99: percentileFromBuckets(buckets, 99),
  };
}

function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${Number(p.toPrecision(2))}`;
}

function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

function formatMs(ms: number): string {
  return `${ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)} ms`;
}
