import { describe, expect, it } from 'vitest';
import { categoricalDrift, jensenShannon, UNSEEN_CATEGORY } from './categorical';
import { exactQuantile, numericDrift, psi, psiBand, referenceFromSorted, sortedSample, wasserstein } from './numeric';
import { calibrate, persistentDrift, recentBreaches, thresholdFor, windowStatus } from './thresholds';

const sorted = (values: number[]) => Float64Array.from(values).sort();

// Expected values computed once with numpy 2.4 / scipy 1.17 on this machine:
//   scipy.stats.wasserstein_distance(a, b), np.percentile(a, q),
//   np.sum((act - e) * np.log(act / e)), scipy.spatial.distance.jensenshannon(p, q, base=2).
describe('drift statistics', () => {
  const a = [3.1, -0.4, 2.2, 7.5, 1.0, 0.3, 4.8, 2.9];
  const b = [1.5, 6.0, -2.0, 3.3, 0.7];

  it('Wasserstein-1 between two samples matches scipy', () => {
    const sa = sortedSample(sorted(a));
    const sb = sortedSample(sorted(b));
    expect(wasserstein(sa.quantile, sb.quantile)).toBeCloseTo(1.065, 9);
  });

  it('percentiles interpolate like numpy', () => {
    const s = sorted(a);
    expect([0, 0.1, 0.5, 0.9, 1].map((q) => exactQuantile(s, q))).toEqual([
      -0.4,
      expect.closeTo(0.09, 12),
      expect.closeTo(2.55, 12),
      expect.closeTo(5.61, 12),
      7.5,
    ]);
  });

  it('PSI over deciles, and its bands', () => {
    const expected = new Array(10).fill(0.1);
    const actual = [0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.15];
    expect(psi(expected, actual)).toBeCloseTo(0.10986122886681095, 12);
    expect([psiBand(0.05), psiBand(0.1), psiBand(0.3)]).toEqual(['stable', 'moderate', 'significant']);
  });

  it('Jensen–Shannon distance matches scipy (base 2)', () => {
    expect(jensenShannon([50, 30, 20, 0], [40, 30, 20, 10])).toBeCloseTo(0.23241293654355824, 12);
    expect(jensenShannon([1, 2, 3], [2, 4, 6])).toBe(0);
  });

  it('scores a numeric shift in units of the reference standard deviation', () => {
    // Uniform 0…999: σ = 288.67; moving every value by 100 moves the distribution by 100 (by hand: 100 / σ).
    const reference = referenceFromSorted(sorted(Array.from({ length: 1000 }, (_, i) => i)));
    expect(reference.std).toBeCloseTo(288.6749902572095, 9);
    const same = numericDrift(reference, sortedSample(sorted(Array.from({ length: 1000 }, (_, i) => i))));
    expect(same.score).toBeLessThan(0.002);
    expect(same.psi).toBeCloseTo(0, 9);
    expect(same.outOfRange).toBe(0);
    const shifted = numericDrift(reference, sortedSample(sorted(Array.from({ length: 1000 }, (_, i) => i + 100))));
    expect(shifted.score).toBeCloseTo(0.3464103347189861, 2);
    // 100 of 1000 values lie above the reference's max of 999.
    expect(shifted.outOfRange).toBeCloseTo(0.1, 12);
    // The shifted values fill the upper nine deciles and overflow the last one: 0 in the first bin.
    expect(shifted.histogram[0]).toBe(0);
    expect(shifted.histogram.reduce((x, y) => x + y, 0)).toBe(1000);
    expect(shifted.psi).toBeGreaterThan(0.25);
  });

  it('counts missing values as a share of rows', () => {
    const reference = referenceFromSorted(sorted([1, 2, 3, 4]));
    expect(numericDrift(reference, sortedSample(sorted([1, 2, 3]), 1)).missing).toBe(0.25);
  });

  it('buckets categories the reference never saw as unseen', () => {
    const reference = { count: 100, missing: 0, frequencies: { red: 50, green: 30, blue: 20 } };
    const drift = categoricalDrift(reference, { count: 100, missing: 0, counts: { red: 40, green: 30, blue: 20, purple: 10 } });
    expect(drift.buckets).toEqual(['red', 'green', 'blue', UNSEEN_CATEGORY]);
    expect(drift.unseen).toBeCloseTo(0.1, 12);
    // The same vectors as the scipy case above.
    expect(drift.score).toBeCloseTo(0.23241293654355824, 12);
  });

  it('calibrates a threshold as mean + 3σ of chunk scores, rescaled to the window size, with a floor', () => {
    // Scores 0.1, 0.2, 0.3: mean 0.2, population σ = 0.0816497 (by hand: sqrt(0.02 / 3)).
    const calibration = calibrate([0.1, 0.2, 0.3], 100);
    expect(calibration.mean).toBeCloseTo(0.2, 12);
    expect(calibration.std).toBeCloseTo(Math.sqrt(0.02 / 3), 12);
    expect(thresholdFor(calibration, 0.05, 100)).toBeCloseTo(0.2 + 3 * Math.sqrt(0.02 / 3), 12);
    // A window of 25 values is noisier: twice the threshold (√(100 / 25)).
    expect(thresholdFor(calibration, 0.05, 25)).toBeCloseTo(2 * (0.2 + 3 * Math.sqrt(0.02 / 3)), 12);
    expect(thresholdFor(calibration, 0.9, 100)).toBe(0.9);
    expect(thresholdFor(undefined, 0.1, 100)).toBe(0.1);
  });

  it('alerts only when a breach persists in 2 of the last 3 windows with enough values', () => {
    expect(windowStatus(0.5, 0.2, 10, 30)).toBe('too_few');
    expect(windowStatus(0.5, 0.2, 30, 30)).toBe('drift');
    expect(windowStatus(0.1, 0.2, 30, 30)).toBe('ok');
    expect(persistentDrift(['drift', 'ok', 'ok'])).toBe(false);
    expect(persistentDrift(['ok', 'drift', 'ok', 'drift'])).toBe(true);
    expect(persistentDrift(['drift', 'drift', 'ok', 'ok'])).toBe(false);
    // Windows with too few values to judge are passed over, not counted as quiet.
    expect(persistentDrift(['drift', 'too_few', null, 'drift'])).toBe(true);
    expect([recentBreaches(['drift', 'ok', 'ok', 'drift']), recentBreaches(['drift', 'too_few']), recentBreaches([])]).toEqual([1, 1, 0]);
  });
});
