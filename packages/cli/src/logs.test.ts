import { describe, expect, it } from 'vitest';
import { formatLogLine, sinceDuration } from './logs';

describe('slipway logs', () => {
  it('reads --since as a duration back from now, and refuses anything else', () => {
    const now = Date.parse('2026-12-07T12:00:00.000Z');
    expect(sinceDuration('15m', now)).toBe('2026-12-07T11:45:00.000Z');
    expect(sinceDuration('2h', now)).toBe('2026-12-07T10:00:00.000Z');
    expect(() => sinceDuration('yesterday', now)).toThrow(/30s, 15m, 2h or 1d/);
  });

  it('prints the time, the short replica id, and marks stderr', () => {
    const line = { replicaId: '3f2a9c1e-0000-4000-8000-000000000000', time: '2026-12-07T12:03:04.120Z', text: 'Traceback' } as const;
    expect(formatLogLine({ ...line, stream: 'stderr' })).toBe('12:03:04.120 3f2a9c1e err| Traceback');
    expect(formatLogLine({ ...line, stream: 'stdout' })).toBe('12:03:04.120 3f2a9c1e Traceback');
  });
});
