import { describe, expect, it } from 'vitest';
import type { Call } from './call';
import { OutlierDetector } from './outliers';
import { RequestAccounting } from './request-accounting';
import { InFlightTracker } from './in-flight';
import { RoutingState } from './routing-state';
import { deploymentOf, listen } from './test-support';
import { chooseVariant, sleepingChoice, Upstream } from './upstream';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

const ab = (aReplicas: string[], bReplicas: string[]) =>
  deploymentOf([
    { name: 'a', weight: 70, replicas: aReplicas },
    { name: 'b', weight: 30, replicas: bReplicas },
    { name: 'shadow', weight: 0, mirrorPercent: 100, replicas: ['http://127.0.0.1:1'] },
  ]);

describe('variant choice', () => {
  it('chooses by weight whether or not the variant has a ready replica', () => {
    const asleep = ab([], ['http://b']);
    expect(chooseVariant(asleep, 0.1, undefined)?.name).toBe('a');
    expect(chooseVariant(asleep, 0.69, undefined)?.name).toBe('a');
    expect(chooseVariant(asleep, 0.7, undefined)?.name).toBe('b');
    expect(sleepingChoice(asleep, 0.1, undefined)?.name).toBe('a');
    expect(sleepingChoice(asleep, 0.9, undefined)).toBeUndefined();
    expect(chooseVariant(asleep, 0.9, 'a')?.name).toBe('a');
    expect(chooseVariant(asleep, 0.1, 'shadow')).toBeUndefined();
    expect(sleepingChoice(ab(['http://a'], ['http://b']), 0.1, undefined)).toBeUndefined();
  });
});

describe('Upstream', () => {
  /** A call as admission hands it over, from a request nobody sends (relay never reads it). */
  function callFor(
    deployment: ReturnType<typeof ab>,
    unit: number,
    inFlight = new InFlightTracker(),
    recorded: (variantId: string, status: number) => void = () => undefined,
  ): Call {
    const req = new IncomingMessage(new Socket());
    req.method = 'POST';
    req.headers['content-type'] = 'application/json';
    const res = new ServerResponse(req);
    return {
      req,
      res,
      route: { deploymentName: deployment.name, upstreamPath: '/predict', protocol: 'slipway' },
      deployment,
      body: Buffer.from('{}'),
      pinned: undefined,
      unit,
      accounting: new RequestAccounting(res, inFlight, recorded),
      mayHold: true,
    };
  }

  it('forwards to the chosen variant, retries another replica when one does not answer, and ejects it', async () => {
    const replica = await listen((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url })));
    const dead = await listen(() => undefined);
    const deadUrl = dead.url;
    await dead.close();
    try {
      const outliers = new OutlierDetector();
      const inFlight = new InFlightTracker();
      const upstream = new Upstream({ routing: new RoutingState(), outliers, framed: undefined });
      const relayed = await upstream.relay(callFor(ab([replica.url, deadUrl], ['http://127.0.0.1:1']), 0.1, inFlight));
      expect(relayed.outcome).toBe('answered');
      if (relayed.outcome !== 'answered') return;
      expect([relayed.target.variant.name, relayed.target.replica.address]).toEqual(['a', replica.url]);
      expect(relayed.upstream instanceof IncomingMessage && relayed.upstream.statusCode).toBe(200);
      if (relayed.upstream instanceof IncomingMessage) relayed.upstream.resume();
      expect(outliers.isEjected(deadUrl)).toBe(true);
      expect(inFlight.get('a')).toBe(1);
    } finally {
      await replica.close();
    }
  });

  it('says to wait for a sleeping chosen variant, and serves from another variant once the wait is over', async () => {
    const b = await listen((_req, res) => res.writeHead(200).end('{}'));
    try {
      const upstream = new Upstream({ routing: new RoutingState(), outliers: new OutlierDetector(), framed: undefined });
      const call = callFor(ab([], [b.url]), 0.1);
      expect(await upstream.relay(call)).toMatchObject({ outcome: 'asleep', variant: { name: 'a' } });
      const released = await upstream.relay({ ...call, mayHold: false });
      expect(released).toMatchObject({ outcome: 'answered', target: { variant: { name: 'b' } } });
      if (released.outcome === 'answered' && released.upstream instanceof IncomingMessage) released.upstream.resume();
    } finally {
      await b.close();
    }
  });

  it('answers no_ready_replica when nothing can take it, upstream_unavailable when every replica failed', async () => {
    const dead = await listen(() => undefined);
    await dead.close();
    const upstream = new Upstream({ routing: new RoutingState(), outliers: new OutlierDetector(), framed: undefined });
    expect(await upstream.relay({ ...callFor(ab([], []), 0.1), mayHold: false })).toEqual({ outcome: 'unavailable', code: 'no_ready_replica' });
    expect(await upstream.relay(callFor(ab([dead.url], []), 0.1))).toEqual({ outcome: 'unavailable', code: 'upstream_unavailable' });
  });

  describe('under a canary that retries on the primary', () => {
    const canary = (candidate: string[], primary: string[], retryOnPrimary = true) => ({
      ...deploymentOf([
        { name: 'stable', weight: 90, replicas: primary },
        { name: 'canary', weight: 10, replicas: candidate },
      ]),
      canary: { candidates: ['canary'], retryOnPrimary },
    });

    it("answers a request the candidate fails with the primary's answer, and records the candidate's failure", async () => {
      const failing = await listen((_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}'));
      const primary = await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
      try {
        const recorded: [string, number][] = [];
        const inFlight = new InFlightTracker();
        const upstream = new Upstream({ routing: new RoutingState(), outliers: new OutlierDetector(), framed: undefined });
        const relayed = await upstream.relay(callFor(canary([failing.url], [primary.url]), 0.95, inFlight, (v, s) => recorded.push([v, s])));
        expect(relayed).toMatchObject({ outcome: 'answered', target: { variant: { name: 'stable' } } });
        if (relayed.outcome === 'answered' && relayed.upstream instanceof IncomingMessage) {
          expect(relayed.upstream.statusCode).toBe(200);
          relayed.upstream.resume();
        }
        expect(recorded).toEqual([['canary', 500]]);
        expect([inFlight.get('canary'), inFlight.get('stable')]).toEqual([0, 1]);
      } finally {
        await failing.close();
        await primary.close();
      }
    });

    it('sends a request the candidate never answered to the primary, and counts it as the candidate failing', async () => {
      const dead = await listen(() => undefined);
      await dead.close();
      const primary = await listen((_req, res) => res.writeHead(200).end('{}'));
      try {
        const recorded: [string, number][] = [];
        const upstream = new Upstream({ routing: new RoutingState(), outliers: new OutlierDetector(), framed: undefined });
        const relayed = await upstream.relay(callFor(canary([dead.url], [primary.url]), 0.95, undefined, (v, s) => recorded.push([v, s])));
        expect(relayed).toMatchObject({ outcome: 'answered', target: { variant: { name: 'stable' } } });
        if (relayed.outcome === 'answered' && relayed.upstream instanceof IncomingMessage) relayed.upstream.resume();
        expect(recorded).toEqual([['canary', 502]]);
      } finally {
        await primary.close();
      }
    });

    it("passes the candidate's 5xx through when the deployment does not retry, and never retries the primary's own 5xx", async () => {
      const failing = await listen((_req, res) => res.writeHead(503).end('{}'));
      try {
        const upstream = new Upstream({ routing: new RoutingState(), outliers: new OutlierDetector(), framed: undefined });
        for (const [deployment, unit, name] of [
          [canary([failing.url], ['http://127.0.0.1:1'], false), 0.95, 'canary'],
          [canary(['http://127.0.0.1:1'], [failing.url]), 0.1, 'stable'],
        ] as const) {
          const relayed = await upstream.relay(callFor(deployment, unit));
          expect(relayed).toMatchObject({ outcome: 'answered', target: { variant: { name } } });
          if (relayed.outcome === 'answered' && relayed.upstream instanceof IncomingMessage) {
            expect(relayed.upstream.statusCode).toBe(503);
            relayed.upstream.resume();
          }
        }
      } finally {
        await failing.close();
      }
    });
  });
});
