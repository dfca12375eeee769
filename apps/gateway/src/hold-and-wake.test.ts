import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { channels, createRedis, type RoutedDeployment, type WakeRequest } from '@slipway/queue';
import { requireTestEnv } from '@slipway/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from './call';
import { RequestHold } from './hold';
import { HoldAndWake } from './hold-and-wake';
import { InFlightTracker } from './in-flight';
import { RequestAccounting } from './request-accounting';
import { deploymentOf, listen } from './test-support';
import { Waker } from './wake';

describe('hold and wake', () => {
  const env = requireTestEnv();
  const prefix = `slipway-test-hw-${randomUUID().slice(0, 8)}`;
  const redis = createRedis({ redisUrl: env.redisUrl, prefix });
  const subscriber = redis.duplicate();
  const wakes: WakeRequest[] = [];
  beforeAll(async () => {
    subscriber.on('message', (_channel: string, message: string) => wakes.push(JSON.parse(message)));
    await subscriber.subscribe(channels(prefix).wake);
  });
  afterAll(() => {
    subscriber.disconnect();
    redis.disconnect();
  });

  const asleep = deploymentOf([
    { name: 'a', weight: 70, role: 'primary', desiredReplicas: 0 },
    { name: 'b', weight: 30, role: 'candidate', replicas: ['http://127.0.0.1:2'] },
  ]);
  const awake = deploymentOf([
    { name: 'a', weight: 70, role: 'primary', replicas: ['http://127.0.0.1:1'] },
    { name: 'b', weight: 30, role: 'candidate', replicas: ['http://127.0.0.1:2'] },
  ]);

  /**
   * A gateway-side server whose every request is held for variant `a` of the current entry; a released
   * request is answered 200 with the entry's variant names, so the caller sees what it was resumed with.
   */
  async function holdingServer(limits: { holdMaxRequests: number; holdTimeoutMs: number }) {
    let current: RoutedDeployment | undefined = asleep;
    const inFlight = new InFlightTracker();
    const hold = new RequestHold({ maxPerDeployment: limits.holdMaxRequests, timeoutMs: limits.holdTimeoutMs });
    const holding = new HoldAndWake({ hold, waker: new Waker(redis, prefix), deployment: () => current, limits });
    const callOf = (req: IncomingMessage, res: ServerResponse): Call => ({
      req,
      res,
      route: { deploymentName: 'iris', upstreamPath: '/predict', protocol: 'slipway' },
      deployment: asleep,
      body: Buffer.alloc(0),
      pinned: undefined,
      unit: 0.1,
      accounting: new RequestAccounting(res, inFlight, () => undefined),
      mayHold: true,
    });
    const server = await listen((req, res) =>
      holding.hold(callOf(req, res), asleep.variants[0]!, (call) =>
        call.res.end(JSON.stringify({ mayHold: call.mayHold, replicas: call.deployment.variants[0]!.replicas.length })),
      ),
    );
    return {
      server,
      inFlight,
      hold,
      holding,
      setDeployment: (d: RoutedDeployment | undefined) => {
        current = d;
        holding.reconsider();
      },
    };
  }

  it('asks once to wake the sleeping variant, holds its requests in flight for it, and resumes them when it has a replica', async () => {
    const h = await holdingServer({ holdMaxRequests: 10, holdTimeoutMs: 30_000 });
    try {
      const before = wakes.length;
      const answers = Array.from({ length: 3 }, () => fetch(h.server.url).then(async (r) => [r.status, await r.json()]));
      await expect.poll(() => h.inFlight.get('a')).toBe(3);
      await expect.poll(() => wakes.length).toBe(before + 1);
      expect(wakes.at(-1)).toEqual({ deploymentId: asleep.id, variantIds: ['a'] });
      // The candidate being awake does not release requests that wait for the primary.
      h.setDeployment(asleep);
      expect(h.inFlight.get('a')).toBe(3);
      h.setDeployment(awake);
      expect(await Promise.all(answers)).toEqual(Array(3).fill([200, { mayHold: false, replicas: 1 }]));
    } finally {
      await h.server.close();
    }
  });

  it('refuses beyond the hold with 503 hold_full and Retry-After, and past the deadline with hold_timeout', async () => {
    const h = await holdingServer({ holdMaxRequests: 1, holdTimeoutMs: 200 });
    try {
      const first = fetch(h.server.url);
      await expect.poll(() => h.inFlight.get('a')).toBe(1);
      const full = await fetch(h.server.url);
      expect([full.status, full.headers.get('retry-after')]).toEqual([503, '5']);
      expect((await full.json()).error).toEqual({ code: 'hold_full', message: "'iris' is waking up and already holds 1 waiting requests; retry shortly" });
      const timedOut = await first;
      expect(timedOut.status).toBe(503);
      expect((await timedOut.json()).error).toEqual({ code: 'hold_timeout', message: "'iris' did not wake up within 200 ms; retry shortly" });
    } finally {
      await h.server.close();
    }
  });

  it('answers every held request 503 waking when the gateway stops, and not_found if the deployment went away', async () => {
    const h = await holdingServer({ holdMaxRequests: 10, holdTimeoutMs: 30_000 });
    try {
      const stopping = fetch(h.server.url);
      await expect.poll(() => h.inFlight.get('a')).toBe(1);
      h.holding.close();
      expect((await (await stopping).json()).error.code).toBe('waking');
      const gone = fetch(h.server.url);
      await expect.poll(() => h.inFlight.get('a')).toBe(1);
      h.setDeployment(undefined);
      const answer = await gone;
      expect([answer.status, (await answer.json()).error.code]).toEqual([404, 'not_found']);
    } finally {
      await h.server.close();
    }
  });
});
