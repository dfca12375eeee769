import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDb, type Db } from '@slipway/db';
import { channels, createRedis, type RoutingTable } from '@slipway/queue';
import { requireTestEnv, seedDeployment } from '@slipway/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGateway, type Gateway } from './server';

/**
 * The gateway in front of services (runtime: service): real HTTP servers stand in for the user's service
 * replicas (any process that listens on a port is one), the real gateway forwards to them.
 */
describe('gateway: /services/<name>/…', () => {
  const env = requireTestEnv();
  const prefix = `slipway-test-svc-${randomUUID().slice(0, 8)}`;
  const name = `svc-${randomUUID().slice(0, 8)}`;
  let db: Db;
  let redis: Redis;
  let gateway: Gateway;
  let seeded: Awaited<ReturnType<typeof seedDeployment<'a' | 'b'>>>;
  const servers: Server[] = [];
  /** What the service saw of each request. */
  const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  /** The SSE endpoint: when each event was produced, and whether the caller's leaving reached the service. */
  const sse = { produced: [] as number[], closedEarly: false };
  let service: string;

  /** A tiny service with the routes the tests call: pi digits, an echo, an SSE stream, one that never answers. */
  function serviceApp(): Server {
    return createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
        const url = new URL(req.url!, 'http://service');
        if (url.pathname === '/api/v0/pi') {
          const ndigits = Number(url.searchParams.get('ndigits'));
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ndigits, pi: '3.14159265358979'.slice(0, ndigits + 2) }));
        }
        if (url.pathname === '/echo') return void res.writeHead(201, { 'content-type': 'text/plain', 'x-service': 'echo' }).end(Buffer.concat(chunks));
        if (url.pathname === '/events') return streamEvents(res);
        if (url.pathname === '/slow') return; // never answers
        res.writeHead(404).end('no such route');
      });
    });
  }

  function streamEvents(res: import('node:http').ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let sent = 0;
    const timer = setInterval(() => {
      sse.produced.push(performance.timeOrigin + performance.now());
      res.write(`data: ${sent}\n\n`);
      if (++sent === 20) {
        clearInterval(timer);
        res.end();
      }
    }, 50);
    res.on('close', () => {
      if (sent < 20) sse.closedEarly = true;
      clearInterval(timer);
    });
  }

  async function listen(server: Server): Promise<string> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** A port nothing listens on: a replica that died. */
  async function deadAddress(): Promise<string> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
  }

  function table(replicas: string[], requestTimeoutMs = 2_000): RoutingTable {
    return {
      generatedAt: new Date().toISOString(),
      deployments: {
        [name]: {
          id: seeded.deployment.id,
          name,
          teamId: seeded.teamId,
          variants: [
            {
              id: seeded.variantIds.a,
              name: 'a',
              weight: 100,
              role: 'primary',
              mirrorPercent: 0,
              replicas: replicas.map((address, i) => ({ id: `a-${i}`, address })),
              desiredReplicas: replicas.length,
              service: { requestTimeoutMs },
            },
          ],
        },
      },
    };
  }

  async function publish(t: RoutingTable): Promise<void> {
    await redis.publish(channels(prefix).routingChanged, JSON.stringify(t));
    await vi.waitFor(() => expect(gateway.routing.deployment(name)).toEqual(t.deployments[name]));
  }

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${gateway.url}/services/${name}${path}`, { ...init, headers: { authorization: `Bearer ${seeded.key}`, ...init.headers } });

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 2 });
    redis = createRedis({ redisUrl: env.redisUrl, prefix });
    seeded = await seedDeployment(db, name, ['a', 'b'] as const);
    service = await listen(serviceApp());
    gateway = await startGateway({
      db,
      redis,
      prefix,
      port: 0,
      host: '127.0.0.1',
      rollupIntervalMs: 60_000,
      maxBodyBytes: 1024 * 1024,
      defaultRateLimit: 10_000,
      holdMaxRequests: 100,
      holdTimeoutMs: 5_000,
      metricsToken: 'metrics-token-0123456789abcdef',
    });
    await publish(table([service]));
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(
      servers.map((s) => {
        const closed = new Promise((resolve) => s.close(resolve));
        s.closeAllConnections(); // the gateway's keep-alive connections, and the request /slow never answers
        return closed;
      }),
    );
    redis?.disconnect();
    await db?.$disconnect();
  });

  it('forwards the path and query as sent; the service never sees the API key, and gets an x-request-id the caller also gets', async () => {
    const response = await call('/api/v0/pi?ndigits=5', { headers: { 'x-custom': 'kept' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ndigits: 5, pi: '3.14159' });
    const request = seen.at(-1)!;
    expect(request.url).toBe('/api/v0/pi?ndigits=5');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers['x-custom']).toBe('kept');
    expect(request.headers['x-forwarded-prefix']).toBe(`/services/${name}`);
    expect(request.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-request-id')).toBe(request.headers['x-request-id']);
    expect(response.headers.get('x-slipway-variant')).toBe('a');
  });

  it('keeps a caller’s own x-request-id, and relays any method with its body, status and headers', async () => {
    const body = 'x'.repeat(200_000);
    const response = await call('/echo', { method: 'PATCH', body, headers: { 'x-request-id': 'trace-42', 'content-type': 'text/plain' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-service')).toBe('echo');
    expect(response.headers.get('x-request-id')).toBe('trace-42');
    expect(await response.text()).toBe(body);
    expect(seen.at(-1)).toMatchObject({ method: 'PATCH', url: '/echo' });
  });

  it('refuses callers without a key before anything reaches the service', async () => {
    const before = seen.length;
    const response = await fetch(`${gateway.url}/services/${name}/api/v0/pi?ndigits=2`);
    expect(response.status).toBe(401);
    expect(seen.length).toBe(before);
  });

  it('delivers each Server-Sent Event before the service produces the next one', async () => {
    sse.produced.length = 0;
    const response = await call('/events');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const arrived: number[] = [];
    const decoder = new TextDecoder();
    let text = '';
    const reader = response.body!.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true });
      const events = text.split('\n\n').length - 1;
      while (arrived.length < events) arrived.push(performance.timeOrigin + performance.now());
    }
    expect(arrived).toHaveLength(20);
    expect(sse.produced).toHaveLength(20);
    for (let i = 0; i < 19; i++) expect(arrived[i]).toBeLessThan(sse.produced[i + 1]!);
  });

  it('stops the service’s stream when the caller disconnects', async () => {
    sse.closedEarly = false;
    sse.produced.length = 0;
    const controller = new AbortController();
    const response = await call('/events', { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await vi.waitFor(() => expect(sse.closedEarly).toBe(true));
    const produced = sse.produced.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(sse.produced.length).toBe(produced);
    expect(produced).toBeLessThan(20);
  });

  it('retries a POST on another replica when the first refused the connection (nothing of it was sent), and answers 504 past requestTimeoutSeconds', async () => {
    await publish(table([await deadAddress(), service]));
    const answers = await Promise.all(Array.from({ length: 6 }, () => call('/echo', { method: 'POST', body: 'once' })));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    await publish(table([service], 300));
    const slow = await call('/slow');
    expect(slow.status).toBe(504);
    expect((await slow.json()).error.code).toBe('upstream_timeout');
  });

  it('counts latency per route template and status class in /metrics', async () => {
    await call('/api/v0/pi?ndigits=3');
    await call('/no/such/route');
    const text = await (await fetch(`${gateway.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789abcdef' } })).text();
    const count = (route: string, codeClass: string) =>
      Number(
        new RegExp(
          `^slipway_gateway_service_request_duration_seconds_count\\{deployment="${name}",route="${route}",code_class="${codeClass}"\\} (\\d+)$`,
          'm',
        ).exec(text)?.[1] ?? 0,
      );
    expect(count('GET /api/v0/pi', '2xx')).toBeGreaterThanOrEqual(2);
    expect(count('GET /no/such/route', '4xx')).toBe(1);
    expect(count('GET /slow', '5xx')).toBe(1);
    expect(count('GET /events', 'aborted')).toBe(1);
  });

  it('says a model deployment is not a service', async () => {
    const t = table([service]);
    delete t.deployments[name]!.variants[0]!.service;
    await publish(t);
    const response = await call('/api/v0/pi');
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toContain('is a model, not a service');
    await publish(table([service]));
  });
});
