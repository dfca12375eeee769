import { describe, expect, it } from 'vitest';
import { newEvents, rolloutOutcome } from './rollout';

const at = (status: string, revision: number, stableRevision: number | null, statusReason: string | null = null) =>
  ({ status, revision, stableRevision, statusReason }) as Parameters<typeof rolloutOutcome>[0];

describe('rollout outcome', () => {
  it('is live once the revision is the stable one and the deployment ready', () => {
    expect(rolloutOutcome(at('deploying', 2, 1), 2)).toEqual({ done: false });
    expect(rolloutOutcome(at('ready', 2, 1), 2)).toEqual({ done: false });
    expect(rolloutOutcome(at('ready', 2, 2), 2)).toEqual({ done: true, ok: true });
  });

  it('fails when the deployment fails, stops, or a later revision (an automatic rollback) replaced it', () => {
    expect(rolloutOutcome(at('failed', 1, null, 'replica exited'), 1)).toEqual({ done: true, ok: false, reason: 'replica exited' });
    expect(rolloutOutcome(at('stopping', 2, 2), 2)).toEqual({ done: true, ok: false, reason: 'the deployment is stopping' });
    expect(rolloutOutcome(at('deploying', 3, 1), 2)).toEqual({ done: true, ok: false, reason: 'revision 2 was replaced by revision 3' });
  });
});

describe('new events', () => {
  it('yields each event once, in order', () => {
    const seen = new Set<string>();
    const e = (id: string) => ({ id, step: 's', level: 'info' as const, message: id, createdAt: '' });
    expect(newEvents([e('a'), e('b')], seen).map((x) => x.id)).toEqual(['a', 'b']);
    expect(newEvents([e('a'), e('b'), e('c')], seen).map((x) => x.id)).toEqual(['c']);
  });
});
