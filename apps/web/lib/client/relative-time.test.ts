import { describe, expect, it } from 'vitest';
import { timeAgo } from './format';
import { refreshEveryMs } from './relative-time';

describe('relative times that stay true', () => {
  it('redraws often enough for the unit shown to stay right', () => {
    expect(refreshEveryMs(5_000)).toBe(1000);
    expect(refreshEveryMs(2 * 60_000)).toBe(15_000);
    expect(refreshEveryMs(3 * 3_600_000)).toBe(60_000);
  });

  it('says a later time when redrawn later', () => {
    const at = Date.parse('2026-01-01T12:00:00Z');
    const iso = new Date(at).toISOString();
    expect(timeAgo(iso, at + 10_000)).toBe('10 seconds ago');
    expect(timeAgo(iso, at + 10_000 + refreshEveryMs(10_000) * 50)).toBe('1 minute ago');
    expect(timeAgo(iso, at + 2 * 60_000 + refreshEveryMs(2 * 60_000) * 4)).toBe('3 minutes ago');
  });
});
