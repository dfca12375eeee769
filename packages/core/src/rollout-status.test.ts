import { describe, expect, it } from 'vitest';
import { rolloutInProgress } from './rollout-status';

describe('rolloutInProgress', () => {
  it('holds while a pending or deploying deployment has not reached its target revision', () => {
    expect(rolloutInProgress({ status: 'pending', targetRevision: 1, stableRevision: null })).toBe(true);
    expect(rolloutInProgress({ status: 'deploying', targetRevision: 3, stableRevision: 2 })).toBe(true);
  });

  it('does not hold once the target is stable, nor for a deployment at rest, stopping or failed', () => {
    expect(rolloutInProgress({ status: 'deploying', targetRevision: 3, stableRevision: 3 })).toBe(false);
    for (const status of ['ready', 'failed', 'stopping', 'stopped']) {
      expect(rolloutInProgress({ status, targetRevision: 3, stableRevision: 2 })).toBe(false);
    }
  });
});
