import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limit';
import { pickWeighted, stickyUnit } from './traffic';

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
