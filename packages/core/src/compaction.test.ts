import { describe, expect, it } from 'vitest';
import { compactionCutoff, compactionGroups } from './compaction';

const minute = 60_000;
const hour = 60 * minute;
const row = (variant: string, start: number, lengthMs: number) => ({ variant, windowStart: new Date(start), windowEnd: new Date(start + lengthMs) });

describe('compaction', () => {
  it('cuts off at the last whole coarse window that ended long enough ago', () => {
    const now = 10 * hour + 25 * minute;
    expect(compactionCutoff(now, { afterMs: hour, toMs: minute })).toBe(9 * hour + 25 * minute);
    expect(compactionCutoff(now, { afterMs: 2 * hour, toMs: hour })).toBe(8 * hour);
  });

  it('groups flush windows by key and coarse window, the one a straddling row starts in', () => {
    const step = { afterMs: hour, toMs: minute };
    const rows = [
      row('a', 0, 5_000),
      row('a', 5_000, 5_000),
      row('b', 10_000, 5_000),
      // Starts in minute 0, ends in minute 1 (a flush that straddled the boundary).
      row('a', 58_000, 5_000),
      row('a', minute + 3_000, 5_000),
    ];
    const groups = compactionGroups(rows, step, (r) => r.variant);
    expect(groups.map((g) => [g.start, g.rows.map((r) => `${r.variant}@${r.windowStart.getTime()}`)])).toEqual([
      [0, ['a@0', 'a@5000', 'a@58000']],
      [0, ['b@10000']],
      [minute, [`a@${minute + 3_000}`]],
    ]);
  });

  it('leaves alone what is already coarse: a lone coarse row, and rows longer than the coarse window', () => {
    const step = { afterMs: 0, toMs: hour };
    const rows = [row('a', 0, hour), row('a', 24 * hour, 24 * hour), row('b', hour, hour), row('b', hour + minute, minute)];
    const groups = compactionGroups(rows, step, (r) => r.variant);
    // b's hour row gained a late minute: the two merge; a's rows stay.
    expect(groups.map((g) => [g.start, g.rows.length])).toEqual([[hour, 2]]);
  });
});
