import { describe, expect, it } from 'vitest';
import { uniform } from '../drift/seeded-streams';
import { type CalibrationCell, calibration, classificationMetrics, confidenceBin, coverageAndDelay, estimateAccuracy, regressionMetrics } from './metrics';

describe('classificationMetrics', () => {
  it('gives accuracy, per-class precision/recall/F1 and the confusion matrix', () => {
    // actual cat: 8 right, 2 called dog; actual dog: 5 right, 5 called cat.
    const m = classificationMetrics([
      { actual: 'cat', predicted: 'cat', count: 8 },
      { actual: 'cat', predicted: 'dog', count: 2 },
      { actual: 'dog', predicted: 'dog', count: 5 },
      { actual: 'dog', predicted: 'cat', count: 5 },
    ]);
    expect(m.accuracy).toBeCloseTo(13 / 20);
    expect(m.confusion).toEqual({
      labels: ['cat', 'dog'],
      matrix: [
        [8, 2],
        [5, 5],
      ],
    });
    const cat = m.perClass[0]!;
    expect(cat.precision).toBeCloseTo(8 / 13);
    expect(cat.recall).toBeCloseTo(0.8);
    expect(cat.f1).toBeCloseTo((2 * (8 / 13) * 0.8) / (8 / 13 + 0.8));
    expect(m.perClass[1]).toMatchObject({ label: 'dog', precision: 5 / 7, recall: 0.5, support: 10 });
  });

  it('orders numeric labels numerically and reports a never-predicted class with precision null', () => {
    const m = classificationMetrics([
      { actual: '10', predicted: '2', count: 3 },
      { actual: '2', predicted: '2', count: 1 },
    ]);
    expect(m.confusion.labels).toEqual(['2', '10']);
    expect(m.perClass[1]).toMatchObject({ label: '10', precision: null, recall: 0, f1: 0 });
    expect(classificationMetrics([]).accuracy).toBeNull();
  });
});

describe('regressionMetrics', () => {
  it('gives MAE and RMSE from sums', () => {
    // errors 1, -3: MAE 2, RMSE sqrt(5)
    expect(regressionMetrics({ count: 2, sumAbsError: 4, sumSquaredError: 10 })).toEqual({ count: 2, mae: 2, rmse: Math.sqrt(5) });
    expect(regressionMetrics({ count: 0, sumAbsError: 0, sumSquaredError: 0 })).toEqual({ count: 0, mae: null, rmse: null });
  });
});

/** Answers whose top probability is `stated` while they are right with probability `truth(stated)`. */
function answers(seed: number, n: number, truth: (p: number) => number) {
  const random = uniform(seed);
  const cells = new Map<number, CalibrationCell>();
  for (let i = 0; i < n; i++) {
    const stated = 0.5 + 0.5 * random();
    const bin = confidenceBin(stated);
    const cell = cells.get(bin) ?? { bin, count: 0, sumConfidence: 0, correct: 0 };
    cell.count++;
    cell.sumConfidence += stated;
    if (random() < truth(stated)) cell.correct++;
    cells.set(bin, cell);
  }
  return [...cells.values()];
}

describe('calibration and the estimate without labels', () => {
  it('finds a calibrated model calibrated and estimates its accuracy from confidences alone', () => {
    const cells = answers(3, 20_000, (p) => p);
    const truth = cells.reduce((s, c) => s + c.correct, 0) / 20_000;
    expect(calibration(cells).ece!).toBeLessThan(0.02);
    const estimate = estimateAccuracy(cells);
    expect(estimate.basis).toBe('raw');
    expect(Math.abs(estimate.estimate! - truth)).toBeLessThan(estimate.margin!);
  });

  it('recalibrates an overconfident model from labelled answers', () => {
    const cells = answers(4, 20_000, (p) => p - 0.2);
    const truth = cells.reduce((s, c) => s + c.correct, 0) / 20_000;
    expect(calibration(cells).ece!).toBeGreaterThan(0.15);
    const raw = estimateAccuracy(cells);
    expect(raw.estimate! - truth).toBeGreaterThan(0.15);
    // A fifth labelled: bins recalibrated, the estimate for all answers close to the truth.
    const labelled = answers(5, 4_000, (p) => p - 0.2);
    const calibrated = estimateAccuracy(cells, labelled);
    expect(calibrated.basis).toBe('calibrated');
    expect(Math.abs(calibrated.estimate! - truth)).toBeLessThan(0.02);
  });

  it('gives coverage and label delay', () => {
    expect(coverageAndDelay(10, [1_000, 3_000, 2_000, 4_000])).toEqual({ coverage: 0.4, medianDelayMs: 2_500, p90DelayMs: 3_700 });
    expect(coverageAndDelay(0, [])).toEqual({ coverage: null, medianDelayMs: null, p90DelayMs: null });
  });
});
