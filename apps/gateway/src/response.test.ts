import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BodyTooLargeError } from './body';
import type { Call } from './call';
import type { UpstreamAnswer } from './forward';
import { InFlightTracker } from './in-flight';
import { GatewayMetrics } from './metrics';
import type { Answered } from './mirror';
import { OutlierDetector } from './outliers';
import { failRequest, Responder, startAccounting } from './response';
import { deploymentOf, listen } from './test-support';

const route = { deploymentName: 'iris', upstreamPath: '/predict', protocol: 'slipway' } as const;
const mirrored = deploymentOf([
  { name: 'a', weight: 100, role: 'primary', replicas: ['http://127.0.0.1:1'] },
  { name: 'shadow', weight: 0, role: 'shadow', mirrorPercent: 100, replicas: ['http://127.0.0.1:2'] },
]);

/** An answer from a real replica stand-in over HTTP, streaming. */
function httpAnswer(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => request(url, { method: 'POST' }, resolve).on('error', reject).end());
}

/**
 * A gateway-side server that relays `answer()` for every request, with the accounting the gateway starts
 * at arrival; returns what the metrics, latency rollups and shadows were given.
 */
async function relaying(answer: () => Promise<UpstreamAnswer>) {
  const outliers = new OutlierDetector();
  const mirrors: Answered[] = [];
  const recorded: [string, number][] = [];
  const metrics = new GatewayMetrics();
  const inFlight = new InFlightTracker();
  const responder = new Responder({ outliers, mirror: (a) => mirrors.push(a) });
  const server = await listen((req: IncomingMessage, res: ServerResponse) => {
    const accounting = startAccounting({ inFlight, metrics, recorder: { record: (id, _ms, status) => recorded.push([id, status]) } }, res, route);
    const call: Call = { req, res, route, deployment: mirrored, body: Buffer.from('{"in":1}'), pinned: undefined, unit: 0.5, accounting, mayHold: true };
    const target = { variant: mirrored.variants[0]!, replica: mirrored.variants[0]!.replicas[0]! };
    accounting.assign(target.variant.id);
    req.resume().once('end', () => answer().then((upstream) => responder.relay(call, target, upstream)));
  });
  return { server, outliers, mirrors, recorded, metrics, inFlight, responder };
}

describe('responder', () => {
  it('relays a framed answer in one write with the variant named, then hands it to the shadows', async () => {
    const r = await relaying(async () => ({ status: 200, contentType: 'application/json', body: Buffer.from('{"out":1}') }));
    try {
      const response = await fetch(r.server.url, { method: 'POST', body: '{"in":1}' });
      expect([response.status, response.headers.get('x-slipway-variant'), await response.text()]).toEqual([200, 'a', '{"out":1}']);
      await expect.poll(() => r.recorded).toEqual([['a', 200]]);
      expect(r.inFlight.get('a')).toBe(0);
      expect(r.mirrors.map((m) => [m.variant.name, m.output?.toString(), m.body.toString()])).toEqual([['a', '{"out":1}', '{"in":1}']]);
    } finally {
      await r.server.close();
    }
  });

  it('relays a small HTTP answer buffered and a large one streamed, both whole', async () => {
    const large = Buffer.alloc(2 * 1024 * 1024, 'x');
    const replica = await listen((req, res) => {
      const body = req.url === '/large' ? large : Buffer.from('{"small":true}');
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
    });
    let path = '/small';
    const r = await relaying(() => httpAnswer(`${replica.url}${path}`));
    try {
      expect(await (await fetch(r.server.url, { method: 'POST' })).text()).toBe('{"small":true}');
      path = '/large';
      const streamed = await fetch(r.server.url, { method: 'POST' });
      expect(Buffer.from(await streamed.arrayBuffer()).equals(large)).toBe(true);
      await expect.poll(() => r.mirrors.length).toBe(2);
      expect(r.mirrors[1]!.output?.length).toBe(large.length);
    } finally {
      await r.server.close();
      await replica.close();
    }
  });

  it('ejects a replica that answers 503 and gives the shadows no answer to compare with', async () => {
    const r = await relaying(async () => ({ status: 503, contentType: 'application/json', body: Buffer.from('{"error":"overloaded"}') }));
    try {
      expect((await fetch(r.server.url, { method: 'POST' })).status).toBe(503);
      expect(r.outliers.isEjected('http://127.0.0.1:1')).toBe(true);
      await expect.poll(() => r.mirrors.map((m) => m.output)).toEqual([null]);
      expect(r.metrics.render(r.inFlight, { byVariant: new Map() }, [])).toContain('code_class="5xx"} 1');
    } finally {
      await r.server.close();
    }
  });
});

describe('failRequest', () => {
  it('answers 413 for a body over the limit and upstream_unavailable (502) for anything else, in the caller protocol', async () => {
    const errors = [new BodyTooLargeError(1024, true), new Error('boom')];
    const server = await listen((_req, res) => failRequest(res, 'oip', errors.shift()));
    try {
      const tooLarge = await fetch(server.url);
      expect([tooLarge.status, await tooLarge.json()]).toEqual([413, { error: 'the request body is larger than 1.0 KB' }]);
      const other = await fetch(server.url);
      expect([other.status, await other.json()]).toEqual([502, { error: 'the gateway could not complete the request' }]);
    } finally {
      await server.close();
    }
  });
});
