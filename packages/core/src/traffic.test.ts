import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limit';
import { murmur3, pickWeighted, stickyUnit } from './traffic';

describe('traffic split', () => {
  const variants = [
    { name: 'a', weight: 90 },
    { name: 'b', weight: 10 },
    { name: 'off', weight: 0 },
  ];

  it('splits uniform draws in proportion to the weights and never picks weight 0', () => {
    const counts: Record<string, number> = { a: 0, b: 0, off: 0 };
    for (let i = 0; i < 1000; i++) {
      const name = pickWeighted(variants, (i + 0.5) / 1000)?.name ?? 'none';
      counts[name] = (counts[name] ?? 0) + 1;
    }
    expect(counts).toEqual({ a: 900, b: 100, off: 0 });
  });

  it('returns nothing when every weight is zero', () => {
    expect(pickWeighted([{ weight: 0 }], 0.3)).toBeUndefined();
  });

  it('keeps a sticky key on one variant and spreads many keys by weight', () => {
    expect(stickyUnit('user-42')).toBe(stickyUnit('user-42'));
    let b = 0;
    for (let i = 0; i < 10_000; i++) if (pickWeighted(variants, stickyUnit(`user-${i}`))!.name === 'b') b++;
    expect(b / 10_000).toBeGreaterThan(0.08);
    expect(b / 10_000).toBeLessThan(0.12);
  });
});

describe('sticky keys under a 70/30 split', () => {
  const split = [
    { name: 'primary', weight: 70 },
    { name: 'candidate', weight: 30 },
  ];
  /** Percentage of the keys a sticky caller with each key would see on the 30 % variant. */
  const candidateShare = (keys: string[]) => (100 * keys.filter((k) => pickWeighted(split, stickyUnit(k))!.name === 'candidate').length) / keys.length;
  const thousand = (key: (i: number) => string) => Array.from({ length: 1_000 }, (_, i) => key(i));
  /** UUIDs from a seeded generator (mulberry32), so the test reads the same keys every run. */
  const uuids = (seed: number) => {
    let state = seed;
    const next = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
    };
    const hex = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join('');
    return thousand(() => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`);
  };

  const families: Record<string, string[]> = {
    'session-1000000…': thousand((i) => `session-${1_000_000 + i}`),
    UUIDs: uuids(18),
    'prefix-<i>': thousand((i) => `prefix-${i}`),
    'user<i>@example.com': thousand((i) => `user${i}@example.com`),
    ...Object.fromEntries(['a', 'run-1', 'nightly', '2024-06-01', 'b7e1c2'].map((run) => [`qa-caller-${run}-<i>`, thousand((i) => `qa-caller-${run}-${i}`)])),
  };

  for (const [family, keys] of Object.entries(families)) {
    it(`puts 30 % ± 2 points of 1,000 keys ${family} on the 30 % variant, each key always on the same one`, () => {
      expect(Math.abs(candidateShare(keys) - 30)).toBeLessThanOrEqual(2);
      for (const key of keys.slice(0, 50)) expect(pickWeighted(split, stickyUnit([...key].join('')))).toBe(pickWeighted(split, stickyUnit(key)));
    });
  }

  it('spreads 300 families of 1,000 keys like independent random draws would', () => {
    // A fair split of 1,000 keys at 30 % has a standard deviation of 1.45 points: about one family in six
    // lands beyond ±2 points by chance, and none should land beyond ±6 (over 4 standard deviations).
    const deviations = Array.from({ length: 300 }, (_, run) => candidateShare(thousand((i) => `qa-caller-run${run}-${i}`)) - 30);
    const beyondTwo = deviations.filter((d) => Math.abs(d) > 2).length / deviations.length;
    const spread = Math.sqrt(deviations.reduce((sum, d) => sum + d * d, 0) / deviations.length);
    expect(beyondTwo).toBeLessThan(0.25);
    expect(spread).toBeLessThan(1.7);
    expect(Math.max(...deviations.map(Math.abs))).toBeLessThan(6);
  });

  it('is MurmurHash3 x86-32 of the UTF-8 bytes, as other languages compute it', () => {
    expect(murmur3('')).toBe(0);
    expect(murmur3('hello')).toBe(0x248bfa47);
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
    // Multi-byte characters hash as their UTF-8 bytes (the values of TextEncoder's bytes); a lone surrogate as U+FFFD.
    expect(murmur3('héllo')).toBe(0xbc9fa068);
    expect(murmur3('日本語キー')).toBe(0xdffdd7d8);
    expect(murmur3('x😀😀')).toBe(0x6b84cbce);
    expect(murmur3('a\udc00b')).toBe(0xcb694923);
  });
});

describe('token bucket', () => {
  it('allows a burst, then refuses with the wait until the next token', () => {
    const bucket = new TokenBucket(10, 2, 0);
    expect(bucket.take(0).ok).toBe(true);
    expect(bucket.take(0).ok).toBe(true);
    const refused = bucket.take(0);
    expect(refused).toEqual({ ok: false, retryAfterMs: 100 });
    expect(bucket.take(100).ok).toBe(true);
  });
});
