import { describe, expect, it } from 'vitest';
import { rolloutCaption, rolloutProgress } from './rollout-events';

const event = (step: string, progress: number, message = step) => ({ step, progress, message });

describe('the rollout progress bar', () => {
  it('follows the rollout since its last start', () => {
    const events = [
      event('revision', 0),
      event('routed', 1, 'Revision 1 is live'),
      event('revision', 0, 'Revision 2'),
      event('replica-started', 0.4, 'Starting v2'),
    ];
    expect(rolloutProgress(events)).toBe(0.4);
    expect(rolloutCaption(events)).toBe('Starting v2');
  });

  it('is not moved, nor captioned, by the autoscaler, surplus drains or replaced replicas', () => {
    const events = [
      event('revision', 0),
      event('replica-started', 0.4, 'Starting v2'),
      event('autoscale', 1, 'primary: scaled 1 → 0: idle for 2 s'),
      event('scaled', 1, 'Draining 1 surplus replica(s)'),
      event('healing', 1, 'Replica abc of primary exited: replacing it'),
    ];
    expect(rolloutProgress(events)).toBe(0.4);
    expect(rolloutCaption(events)).toBe('Starting v2');
  });

  it('has nothing to say before the worker picks the rollout up', () => {
    expect(rolloutProgress([])).toBe(0);
    expect(rolloutCaption([event('autoscale', 1)])).toBeNull();
  });
});
