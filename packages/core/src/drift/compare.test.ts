import { describe, expect, it } from 'vitest';
import { compareFeature, featureReferenceSchema, summarizeDrift, type FeatureReference, type FeatureWindow } from './compare';
import { driftReport, freezeBaseline } from './report';
import { asStoredWindows, makeReference, makeWindows } from './seeded-streams';

const statusAfter = (reference: Record<string, FeatureReference>, windows: Record<string, FeatureWindow[]>, n: number) =>
  Object.fromEntries(Object.keys(windows).map((name) => [name, compareFeature(name, reference[name], windows[name]!.slice(0, n))!.status]));

describe('drift detection over a stream of windows', () => {
  const reference = makeReference();

  it('raises no alert over 20 windows drawn from the reference', () => {
    const windows = makeWindows(20);
    for (let n = 1; n <= 20; n++) expect(statusAfter(reference, windows, n)).toEqual({ amount: 'ok', colour: 'ok' });
    const reports = Object.keys(windows).map((name) => compareFeature(name, reference[name], windows[name]!)!);
    expect(summarizeDrift(reports)).toEqual({ features: 2, monitored: 2, drifted: 0 });
  });

  it('flags a numeric feature shifted by one standard deviation within two windows, and only that feature', () => {
    const windows = makeWindows(12, { from: 10, amountShift: 10 });
    expect(statusAfter(reference, windows, 10)).toEqual({ amount: 'ok', colour: 'ok' });
    expect(statusAfter(reference, windows, 12)).toEqual({ amount: 'drift', colour: 'ok' });
    const report = compareFeature('amount', reference.amount, windows.amount!.slice(10))!;
    // Two shifted windows alone: the score is about one σ, the current histogram leans to the upper deciles.
    expect(report.score).toBeGreaterThan(0.8);
    expect(report.histogram.current.at(-1)).toBeGreaterThan(0.3);
  });

  it('flags a new category within two windows, with its share as unseen', () => {
    const windows = makeWindows(12, { from: 10, newCategoryShare: 0.2 });
    expect(statusAfter(reference, windows, 12)).toEqual({ amount: 'ok', colour: 'drift' });
    const report = compareFeature('colour', reference.colour, windows.colour!.slice(10))!;
    expect(report.unseen).toBeGreaterThan(0.15);
    expect(report.histogram.bins).toContain('__unseen__');
  });

  it('describes a feature with no reference without judging it', () => {
    const windows = makeWindows(3);
    const report = compareFeature('amount', undefined, windows.amount!)!;
    expect(report.status).toBe('no_reference');
    expect(report.count).toBe(600);
    expect(report.mean).toBeCloseTo(50, 0);
    expect(report.overTime.map((w) => w.count)).toEqual([200, 200, 200]);
  });
});

describe('drift report and baselines frozen from traffic', () => {
  it('freezes a baseline from quiet traffic that then flags a shift, and ranks the drifted feature first', () => {
    const baseline = freezeBaseline(asStoredWindows(makeWindows(10)));
    expect(Object.keys(baseline).sort()).toEqual(['amount', 'colour']);
    // It survives the round trip through the database's JSON.
    const references = new Map(Object.entries(baseline).map(([k, v]) => [k, featureReferenceSchema.parse(JSON.parse(JSON.stringify(v)))]));
    expect(references.get('amount')).toMatchObject({ kind: 'numeric', count: 2000, calibration: { chunkRows: 200 } });

    const quiet = driftReport({ windows: asStoredWindows(makeWindows(6)), references, from: 0, to: 60_000, bucketMs: 10_000 });
    expect(quiet.summary).toEqual({ features: 2, monitored: 2, drifted: 0 });

    const shifted = driftReport({ windows: asStoredWindows(makeWindows(6, { from: 3, amountShift: 10 })), references, from: 0, to: 60_000, bucketMs: 10_000 });
    expect(shifted.summary).toEqual({ features: 2, monitored: 2, drifted: 1 });
    expect(shifted.features.map((f) => [f.name, f.status])).toEqual([
      ['amount', 'drift'],
      ['colour', 'ok'],
    ]);
    expect(shifted.features[0]!.overTime.map((w) => w.status)).toEqual(['ok', 'ok', 'ok', 'drift', 'drift', 'drift']);
  });
});
