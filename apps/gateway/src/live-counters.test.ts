import { randomUUID } from 'node:crypto';
import { bucketIndex } from '@slipway/core';
import { createRedis, guardrailChannel, readLiveCounts } from '@slipway/queue';
import { requireTestEnv } from '@slipway/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveCounters } from './live-counters';

/** Against real Redis: what two gateways answered adds up, and a failing canary candidate nudges the controllers. */
describe('live counters', () => {
  const env = requireTestEnv();
  const prefix = `slipway-test-live-${randomUUID().slice(0, 8)}`;
  const redis = createRedis({ redisUrl: env.redisUrl, prefix });
  const subscriber = redis.duplicate();

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    subscriber.disconnect();
    redis.disconnect();
  });

  it('sums what every gateway answered per variant: requests, 5xx and latency buckets', async () => {
    const [a, b] = [new LiveCounters(redis, prefix, () => undefined), new LiveCounters(redis, prefix, () => undefined)];
    a.record('v1', 200, 2);
    a.record('v1', 500, 2);
    b.record('v1', 200, 40);
    b.record('v2', 404, 1);
    await Promise.all([a.flush(), b.flush()]);
    const counts = await readLiveCounts(redis, prefix, ['v1', 'v2', 'v3']);
    expect(counts.get('v1')).toMatchObject({ count: 3, errors: 1 });
    expect(counts.get('v1')?.buckets[bucketIndex(2)]).toBe(2);
    expect(counts.get('v1')?.buckets[bucketIndex(40)]).toBe(1);
    expect(counts.get('v2')).toMatchObject({ count: 1, errors: 0 });
    expect(counts.get('v3')).toMatchObject({ count: 0, errors: 0 });
  });

  it("nudges the controllers when a canary candidate failed, once per flush, and not for other variants' failures", async () => {
    const nudges: string[] = [];
    let markerSeen!: () => void;
    const marker = new Promise<void>((resolve) => (markerSeen = resolve));
    subscriber.on('message', (_channel: string, message: string) => {
      nudges.push(JSON.parse(message).deploymentId);
      if (nudges.at(-1) === 'marker') markerSeen();
    });
    await subscriber.subscribe(guardrailChannel(prefix));
    const counters = new LiveCounters(redis, prefix, (variantId) => (variantId === 'candidate' ? 'deployment-1' : undefined));
    counters.record('primary', 500, 1);
    counters.record('candidate', 200, 1);
    await counters.flush();
    counters.record('candidate', 500, 1);
    counters.record('candidate', 503, 1);
    await counters.flush();
    // A later publish on the same connection arrives after the nudge: when it is seen, the nudge was too.
    await redis.publish(guardrailChannel(prefix), JSON.stringify({ deploymentId: 'marker' }));
    await marker;
    expect(nudges).toEqual(['deployment-1', 'marker']);
  });
});
