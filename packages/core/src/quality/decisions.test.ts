import { describe, expect, it } from 'vitest';
import { uniform } from '../drift/seeded-streams';
import { type AccuracySample, compareAccuracy, evaluateAccuracyGuardrail } from './decisions';

/** An A/B as labels arrive: each variant's answers right with its own probability, one label each per step. */
function labelStream(seed: number, accuracyA: number, accuracyB: number) {
  const random = uniform(seed);
  const a: AccuracySample = { labeled: 0, correct: 0 };
  const b: AccuracySample = { labeled: 0, correct: 0 };
  return () => {
    a.labeled++;
    b.labeled++;
    if (random() < accuracyA) a.correct++;
    if (random() < accuracyB) b.correct++;
    return { a: { ...a }, b: { ...b } };
  };
}

describe('compareAccuracy (always-valid)', () => {
  it('calls a candidate 10 points more accurate significant after enough labels, and not before', () => {
    const next = labelStream(7, 0.75, 0.85);
    let firstSignificant: number | null = null;
    for (let n = 1; n <= 3_000; n++) {
      const { a, b } = next();
      const comparison = compareAccuracy(a, b);
      if (n === 30) expect(comparison.significant).toBe(false);
      if (comparison.significant && firstSignificant === null) firstSignificant = n;
    }
    expect(firstSignificant).not.toBeNull();
    // Detected, but not from a few dozen labels: a 10-point gap at 75 % needs hundreds per variant.
    expect(firstSignificant!).toBeGreaterThan(100);
    expect(firstSignificant!).toBeLessThan(3_000);
    const final = compareAccuracy(...(Object.values(next()) as [AccuracySample, AccuracySample]));
    expect(final.summary).toMatch(/^Candidate is more accurate/);
  });

  it('never calls equal accuracy significant across 20 seeded runs, looking after every label', () => {
    const falseAlarms: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const next = labelStream(seed, 0.8, 0.8);
      for (let n = 1; n <= 2_000; n++) {
        const { a, b } = next();
        if (compareAccuracy(a, b).significant) {
          falseAlarms.push(seed);
          break;
        }
      }
    }
    expect(falseAlarms).toEqual([]);
  });

  it('says when there are too few labels', () => {
    const c = compareAccuracy({ labeled: 10, correct: 9 }, { labeled: 12, correct: 1 });
    expect(c.significant).toBe(false);
    expect(c.summary).toBe('Not enough labels yet: 10 and 12 (need 30 each).');
    expect(c.difference).toBeCloseTo(1 / 12 - 0.9);
  });
});

describe('evaluateAccuracyGuardrail', () => {
  const rule = { maxDrop: 0.02, minLabels: 100 };
  it('waits for labels on both variants', () => {
    expect(evaluateAccuracyGuardrail({ labeled: 500, correct: 450 }, { labeled: 99, correct: 10 }, rule)).toEqual({
      outcome: 'insufficient',
      message: 'waiting for labels: 99 on the candidate and 500 on the primary (need 100 each)',
    });
  });
  it('passes a candidate within the margin and fails one below it', () => {
    expect(evaluateAccuracyGuardrail({ labeled: 200, correct: 180 }, { labeled: 200, correct: 177 }, rule)).toEqual({ outcome: 'pass' });
    expect(evaluateAccuracyGuardrail({ labeled: 200, correct: 180 }, { labeled: 200, correct: 150 }, rule)).toEqual({
      outcome: 'fail',
      message: 'accuracy 75.0% vs 90.0% on the primary (limit −2.0 pp) over 200 labels',
    });
  });
});

describe('combineGuardrailOutcomes', () => {
  it('fails on any breach, naming each, else waits on any wait', async () => {
    const { combineGuardrailOutcomes } = await import('./decisions');
    expect(combineGuardrailOutcomes([{ outcome: 'pass' }, { outcome: 'pass' }])).toEqual({ outcome: 'pass' });
    expect(combineGuardrailOutcomes([{ outcome: 'insufficient', message: 'labels' }, { outcome: 'pass' }])).toEqual({
      outcome: 'insufficient',
      message: 'labels',
    });
    expect(
      combineGuardrailOutcomes([
        { outcome: 'fail', message: 'error rate' },
        { outcome: 'insufficient', message: 'labels' },
        { outcome: 'fail', message: 'accuracy' },
      ]),
    ).toEqual({ outcome: 'fail', message: 'error rate; accuracy' });
  });
});
