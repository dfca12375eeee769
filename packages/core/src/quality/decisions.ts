import type { GuardrailOutcome } from '../rollout-plan';
import { alwaysValidPValue, effectiveSampleSize, twoProportionTest } from '../significance';

/** A variant's labelled answers over a window and how many of them were right. */
export interface AccuracySample {
  labeled: number;
  correct: number;
}

/** Labels each variant needs before an accuracy difference can be called significant. */
export const MIN_LABELS_FOR_SIGNIFICANCE = 30;

export interface AccuracyComparison {
  baseline: number | null;
  candidate: number | null;
  difference: number | null;
  /** Always-valid (mSPRT) p-value: safe to look at after every label. */
  pValue: number;
  significant: boolean;
  labels: { baseline: number; candidate: number };
  summary: string;
}

/** Candidate vs baseline accuracy with the same always-valid test the comparison card uses for error rates. */
export function compareAccuracy(baseline: AccuracySample, candidate: AccuracySample, options: { alpha?: number; tau?: number } = {}): AccuracyComparison {
  const alpha = options.alpha ?? 0.05;
  const test = twoProportionTest({ errors: baseline.correct, count: baseline.labeled }, { errors: candidate.correct, count: candidate.labeled });
  const pValue = alwaysValidPValue(test.z, effectiveSampleSize(baseline.labeled, candidate.labeled), { tau: options.tau });
  const enough = baseline.labeled >= MIN_LABELS_FOR_SIGNIFICANCE && candidate.labeled >= MIN_LABELS_FOR_SIGNIFICANCE;
  const a = baseline.labeled > 0 ? baseline.correct / baseline.labeled : null;
  const b = candidate.labeled > 0 ? candidate.correct / candidate.labeled : null;
  const significant = enough && pValue < alpha;
  const labels = { baseline: baseline.labeled, candidate: candidate.labeled };
  let summary: string;
  if (!enough) summary = `Not enough labels yet: ${baseline.labeled} and ${candidate.labeled} (need ${MIN_LABELS_FOR_SIGNIFICANCE} each).`;
  else if (significant) summary = `Candidate is ${b! > a! ? 'more' : 'less'} accurate: ${pct(b!)} vs ${pct(a!)} (${formatP(pValue)}).`;
  else summary = `Accuracy does not differ significantly: ${pct(b!)} vs ${pct(a!)} (${formatP(pValue)}).`;
  return { baseline: a, candidate: b, difference: a !== null && b !== null ? b - a : null, pValue, significant, labels, summary };
}

/** Canary accuracy guardrail: the candidate's accuracy may be at most `maxDrop` below the primary's, once both have `minLabels`. */
export interface AccuracyGuardrail {
  maxDrop: number;
  minLabels: number;
}

export type AccuracyVerdict = { outcome: 'pass' } | { outcome: 'fail' | 'insufficient'; message: string };

export function evaluateAccuracyGuardrail(baseline: AccuracySample, candidate: AccuracySample, guardrail: AccuracyGuardrail): AccuracyVerdict {
  const fewest = Math.min(baseline.labeled, candidate.labeled);
  if (fewest < guardrail.minLabels) {
    return {
      outcome: 'insufficient',
      message: `waiting for labels: ${candidate.labeled} on the candidate and ${baseline.labeled} on the primary (need ${guardrail.minLabels} each)`,
    };
  }
  const a = baseline.correct / baseline.labeled;
  const b = candidate.correct / candidate.labeled;
  const limit = a - guardrail.maxDrop;
  if (b >= limit) return { outcome: 'pass' };
  return {
    outcome: 'fail',
    message: `accuracy ${pct(b)} vs ${pct(a)} on the primary (limit −${(guardrail.maxDrop * 100).toFixed(1)} pp) over ${candidate.labeled} labels`,
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${Number(p.toPrecision(2))}`;
}

/** Several guardrails' verdicts as one: any breach fails the step (every breach named), else any wait waits. */
export function combineGuardrailOutcomes(outcomes: readonly GuardrailOutcome[]): GuardrailOutcome {
  const failed = outcomes.filter((o) => o.outcome === 'fail');
  if (failed.length > 0) return { outcome: 'fail', message: failed.map((o) => (o as { message: string }).message).join('; ') };
  const waiting = outcomes.filter((o) => o.outcome === 'insufficient');
  if (waiting.length > 0) return { outcome: 'insufficient', message: waiting.map((o) => (o as { message: string }).message).join('; ') };
  return { outcome: 'pass' };
}
