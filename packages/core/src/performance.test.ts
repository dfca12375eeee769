import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram';
import { performanceQuerySchema, performanceReport, performanceSlots } from './performance';

const TO = Date.parse('2026-12-06T12:00:00Z');
const at = (secondsBeforeTo: number) => new Date(TO - secondsBeforeTo * 1000);
const variants = [
  { id: 'a1', name: 'primary', versionLabel: 1 },
  { id: 'b2', name: 'b', versionLabel: 2 },
];

function rollup(variantId: string, end: Date, latencies: number[], clientErrors = 0, errors = 0) {
  const h = new LatencyHistogram();
  for (const ms of latencies) h.record(ms);
  return { variantId, windowEnd: end, count: h.count, errors, clientErrors, buckets: h.counts };
}

describe('performanceReport', () => {
  it('cuts the window into 60 aligned slots, every one present', () => {
    const report = performanceReport({ window: '15m', to: TO, variants, rollups: [], replicas: [], samples: [] });
    expect(report.window.bucketSeconds).toBe(15);
    expect(report.total).toHaveLength(61); // from the slot holding `to - 15 min` to the one holding `to`
    expect(report.total.every((p) => p.requests === 0 && p.rps === 0 && p.p99 === null && p.clientErrorRate === null)).toBe(true);
    expect(performanceSlots('1h', TO + 30_000).start % 60_000).toBe(0);
  });

  it('counts requests per second and 4xx and 5xx rates per slot, per variant and in total', () => {
    const report = performanceReport({
      window: '15m',
      to: TO,
      variants,
      rollups: [
        rollup('a1', at(40), Array(20).fill(2), 5, 1),
        rollup('a1', at(35), Array(10).fill(4)),
        rollup('b2', at(40), Array(10).fill(8), 0, 10),
        rollup('gone', at(40), Array(99).fill(1)),
      ],
      replicas: [],
      samples: [],
    });
    const slot = new Date(Math.floor(at(40).getTime() / 15_000) * 15_000).toISOString();
    const total = report.total.find((p) => p.t === slot)!;
    expect(total.requests).toBe(40);
    expect(total.rps).toBeCloseTo(40 / 15, 3);
    expect(total.clientErrorRate).toBe(0.125);
    expect(total.serverErrorRate).toBe(0.275);
    const primary = report.byVariant.find((v) => v.variantId === 'a1')!.points.find((p) => p.t === slot)!;
    expect(primary).toMatchObject({ requests: 30, clientErrorRate: 0.1667, serverErrorRate: 0.0333 });
    expect(primary.p50).toBeGreaterThan(1.8);
    expect(primary.p50).toBeLessThan(2.2);
    expect(primary.p99).toBeGreaterThan(3.6);
    expect(primary.p99).toBeLessThan(4.4);
    expect(report.summary).toMatchObject({ requests: 40, clientErrorRate: 0.125, serverErrorRate: 0.275 });
  });

  it('measures the last slot over the part of it that has passed', () => {
    const to = Math.floor(TO / 15_000) * 15_000 + 5_000;
    const report = performanceReport({
      window: '15m',
      to,
      variants,
      rollups: [rollup('a1', new Date(to - 1_000), Array(10).fill(1))],
      replicas: [],
      samples: [],
    });
    expect(report.total.at(-1)!.rps).toBe(2);
  });

  it('counts replicas running at the end of each slot and lists failures as restarts', () => {
    const report = performanceReport({
      window: '5m',
      to: TO,
      variants,
      rollups: [],
      replicas: [
        { id: 'r1', variantId: 'a1', createdAt: at(600), endedAt: at(100), failed: true, reason: 'exited (signal SIGKILL)' },
        { id: 'r2', variantId: 'a1', createdAt: at(99), endedAt: null, failed: false, reason: null },
        { id: 'r3', variantId: 'b2', createdAt: at(600), endedAt: at(200), failed: false, reason: null },
      ],
      samples: [],
    });
    const countAt = (secondsBeforeTo: number) => report.replicas.find((p) => Date.parse(p.t) + 5_000 >= TO - secondsBeforeTo * 1000)!;
    expect(countAt(290)).toMatchObject({ total: 2, byVariant: { a1: 1, b2: 1 } });
    expect(countAt(150).total).toBe(1);
    expect(report.replicas.at(-1)).toMatchObject({ total: 1, byVariant: { a1: 1, b2: 0 } });
    expect(report.restarts).toEqual([{ at: at(100).toISOString(), variantId: 'a1', replicaId: 'r1', reason: 'exited (signal SIGKILL)' }]);
    expect(report.summary.restarts).toBe(1);
  });

  it('averages CPU and keeps the largest RSS of each slot per replica', () => {
    const report = performanceReport({
      window: '5m',
      to: TO,
      variants,
      rollups: [],
      replicas: [{ id: 'r1', variantId: 'a1', createdAt: at(600), endedAt: null, failed: false, reason: null }],
      samples: [
        { replicaId: 'r1', at: at(9), cpuPercent: 10, rssBytes: 100 },
        { replicaId: 'r1', at: at(8), cpuPercent: 30, rssBytes: 300 },
        { replicaId: 'unknown', at: at(8), cpuPercent: 99, rssBytes: 1 },
      ],
    });
    expect(report.resources).toHaveLength(1);
    const points = report.resources[0]!.points.filter((p) => p.cpuPercent !== null);
    expect(points).toEqual([{ t: expect.any(String), cpuPercent: 20, rssBytes: 300 }]);
  });

  it('validates the query: known windows only, 1 h by default', () => {
    expect(performanceQuerySchema.parse({})).toEqual({ window: '1h' });
    expect(performanceQuerySchema.safeParse({ window: '2d' }).success).toBe(false);
    expect(performanceQuerySchema.parse({ window: '24h', variant: 'b' })).toEqual({ window: '24h', variant: 'b' });
  });
});
