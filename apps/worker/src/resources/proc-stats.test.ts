import { describe, expect, it } from 'vitest';
import { cpuPercent, parseProcStat, parseUptime, parseVmRss, readProcess } from './proc-stats';

// A real line's shape, with a command name holding spaces and a ')' to trip naive splitting.
const STAT =
  '4242 (node (main) x) S 1 4242 4242 0 -1 4194304 9331 0 0 0 250 75 0 0 20 0 11 0 123456 1161445376 14372 18446744073709551615 1 1 0 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0';
const STATUS = 'Name:\tnode\nState:\tS (sleeping)\nVmPeak:\t 1200000 kB\nVmRSS:\t   57488 kB\nRssAnon:\t   30000 kB\nThreads:\t11\n';

describe('/proc parsing', () => {
  it('reads utime + stime and the start time in seconds, counting fields after the last parenthesis', () => {
    expect(parseProcStat(STAT)).toEqual({ cpuSeconds: 3.25, startedAfterBootSeconds: 1234.56 });
    expect(() => parseProcStat('garbage')).toThrow(/unreadable/);
  });

  it('reads VmRSS in bytes, and null without it', () => {
    expect(parseVmRss(STATUS)).toBe(57_488 * 1024);
    expect(parseVmRss('Name:\tkthreadd\nState:\tS (sleeping)\n')).toBeNull();
  });

  it('reads the uptime', () => {
    expect(parseUptime('35517.31 70034.12\n')).toBe(35517.31);
  });

  it('gives CPU as a share of one core between readings, or since the start without an earlier one', () => {
    const first = { cpuSeconds: 2, aliveSeconds: 10, rssBytes: 1 };
    expect(cpuPercent(first, undefined)).toBe(20);
    expect(cpuPercent({ cpuSeconds: 3.5, aliveSeconds: 12, rssBytes: 1 }, first)).toBe(75);
    // Two threads busy: more than one core.
    expect(cpuPercent({ cpuSeconds: 6, aliveSeconds: 12, rssBytes: 1 }, first)).toBe(200);
    expect(cpuPercent(first, first)).toBe(0);
  });

  it('reads this very process, and null for a pid that does not exist', async () => {
    const self = await readProcess(process.pid);
    expect(self!.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(self!.aliveSeconds).toBeGreaterThan(0);
    expect(self!.cpuSeconds).toBeGreaterThan(0);
    expect(await readProcess(2 ** 22 + 1)).toBeNull();
  });
});
