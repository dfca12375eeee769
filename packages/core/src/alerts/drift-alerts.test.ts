import { describe, expect, it } from 'vitest';
import { driftReport } from '../drift/report';
import { asStoredWindows, makeReference, makeWindows } from '../drift/seeded-streams';
import { evaluateAlert } from './evaluate';
import { alertRuleInputSchema } from './rules';

const WINDOW_MS = 10_000;

/**
 * The acceptance test through the alert path: 10-second windows of 200 requests scored by the real drift
 * statistics (calibrated thresholds, 2 of the last 3 windows) and judged by drift rules evaluated after every window,
 * as the worker does with stored rows.
 */
function fireAfter(windows: ReturnType<typeof makeWindows>, feature: string | null): { firedAtWindow: number | null; message: string | null } {
  const references = new Map(Object.entries(makeReference()));
  const stored = asStoredWindows(windows);
  const rule = alertRuleInputSchema.parse({ kind: 'drift', feature, windowSeconds: 30, cooldownSeconds: 0 });
  const count = windows.amount!.length;
  for (let w = 1; w <= count; w++) {
    const to = w * WINDOW_MS;
    const from = Math.max(0, to - rule.windowSeconds * 1000);
    const report = driftReport({ windows: stored.filter((s) => s.start >= from && s.start < to), references, from, to, bucketMs: WINDOW_MS });
    const drifting = report.features.filter((f) => f.status === 'drift').map((f) => `primary/${f.name}`);
    const decision = evaluateAlert(rule, { requests: 200, errors: 0, p99Ms: 5, driftingFeatures: drifting }, { firing: false, lastFiredAt: null }, to);
    if (decision.action === 'fire') return { firedAtWindow: w, message: decision.message };
  }
  return { firedAtWindow: null, message: null };
}

describe('drift rules over a stream of windows', () => {
  it('never fire over 20 windows drawn from the reference', () => {
    expect(fireAfter(makeWindows(20), null)).toEqual({ firedAtWindow: null, message: null });
  });

  it('fire within two windows of a numeric feature shifting by one standard deviation, naming it', () => {
    const shifted = makeWindows(20, { from: 10, amountShift: 10 });
    expect(fireAfter(shifted, null)).toEqual({ firedAtWindow: 12, message: 'drifting: primary/amount' });
    expect(fireAfter(shifted, 'amount').firedAtWindow).toBe(12);
    // A rule on the other feature stays quiet.
    expect(fireAfter(shifted, 'colour').firedAtWindow).toBeNull();
  });

  it('fire within two windows of a new category appearing, naming the categorical feature', () => {
    const shifted = makeWindows(20, { from: 10, newCategoryShare: 0.2 });
    expect(fireAfter(shifted, null)).toEqual({ firedAtWindow: 12, message: 'drifting: primary/colour' });
    expect(fireAfter(shifted, 'amount').firedAtWindow).toBeNull();
  });
});
