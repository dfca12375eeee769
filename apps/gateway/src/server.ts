import { timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pickWeighted, stickyUnit } from '@slipway/core';
import type { Db } from '@slipway/db';
import type { RoutedDeployment } from '@slipway/queue';
import type { Redis } from 'ioredis';
import { ApiKeyCache, mayCall } from './api-keys';
import { sendError } from './errors';
import { FramedTransport } from './framed-client';
import { ConnectionFailedError, forward, type UpstreamAnswer } from './forward';
import { RequestHold, type HoldRefusal } from './hold';
import { InFlightTracker } from './in-flight';
import { LatencyRecorder } from './latency-recorder';
import { matchModelDocs, serveModelDocs } from './model-docs';
import { GatewayMetrics } from './metrics';
import { OutlierDetector } from './outliers';
import { RateLimiter } from './rate-limiter';
import { RollupTimer } from './rollups';
import { matchRoute, type MatchedRoute } from './routes';
import { RequestAccounting } from './request-accounting';
import { RoutingState, type RouteTarget, type RoutedVariant } from './routing-state';
import { outputsAgree, parseJson, ShadowStats } from './shadow';
import { awaitedVariants, Waker } from './wake';

export interface GatewayOptions {
  db: Db;
  redis: Redis;
  prefix: string;
  port: number;
  host: string;
  internalToken?: string;
  /** Bearer token that `/metrics` requires; without one, `/metrics` answers nobody. */
  metricsToken?: string;
  rollupIntervalMs: number;
  maxBodyBytes: number;
  /** `framed` (the default): replicas' framed listeners where announced; `http`: always plain HTTP. */
  upstreamTransport?: 'framed' | 'http';
  /** Requests per second per API key unless the key sets its own. */
  defaultRateLimit: number;
  /** Requests held per deployment while it wakes from zero replicas, and how long each may wait. */
  holdMaxRequests: number;
  holdTimeoutMs: number;
  /** In a cluster: given this process's metrics, how `/metrics` gets the whole host's (see cluster-metrics.ts). */
  hostMetrics?: (renderLocal: () => string) => () => Promise<string>;
}

export interface Gateway {
  url: string;
  routing: RoutingState;
  recorder: LatencyRecorder;
  shadows: ShadowStats;
  close(): Promise<void>;
}

/** Upstream answers up to this size are buffered and sent in one write; larger ones stream. */
const BUFFERED_RESPONSE_BYTES = 1024 * 1024;

/** Request headers that steer routing. */
export const STICKY_HEADER = 'x-slipway-key';
export const PIN_HEADER = 'x-slipway-variant';

/** Retry-After on the 503s of the hold: a cold start (process, model load, warm-up) takes seconds. */
const HOLD_RETRY_AFTER_SECONDS = 5;

class BodyTooLargeError extends Error {}

/** A request past admission (authenticated, routed, body read): what forwarding needs. */
interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  route: MatchedRoute;
  deployment: RoutedDeployment;
  body: Buffer;
  pinned: string | undefined;
  unit: number;
  /** In flight, metrics and latency: released once, when the response closes. */
  accounting: RequestAccounting;
  /** A request waits for a wake once: not again after its release. */
  mayHold: boolean;
}

/** Collects the body (kept for retries and shadows); event listeners beat an async iterator on the hot path. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError());
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function bearerOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
}

function apiKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  return bearerOf(req) ?? (typeof header === 'string' ? header : undefined);
}

function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const [a, b] = [Buffer.from(presented), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const routing = new RoutingState();
  const keys = new ApiKeyCache(options.db, options.internalToken);
  const recorder = new LatencyRecorder(options.db);
  const outliers = new OutlierDetector();
  const limiter = new RateLimiter(options.defaultRateLimit, options.redis, options.prefix);
  const inFlight = new InFlightTracker();
  const shadows = new ShadowStats(options.db);
  const rollups = new RollupTimer([recorder, shadows]);
  const metrics = new GatewayMetrics();
  const framed = options.upstreamTransport === 'http' ? undefined : new FramedTransport();
  const hold = new RequestHold({ maxPerDeployment: options.holdMaxRequests, timeoutMs: options.holdTimeoutMs });
  const waker = new Waker(options.redis, options.prefix);
  routing.onReplace(() => {
    for (const name of hold.reconsider((n) => routing.deployment(n))) {
      const deployment = routing.deployment(name);
      if (deployment) waker.wake(deployment);
    }
  });
  const subscriber = options.redis.duplicate();
  await routing.follow(options.redis, subscriber, options.prefix, () => keys.invalidate());
  rollups.start(options.rollupIntervalMs);
  inFlight.start(options.redis, options.prefix);

  /** Sends a sampled copy to each shadow variant and compares its answer with the primary's (null: the primary failed). */
  function mirror(deployment: RoutedDeployment, route: MatchedRoute, method: string, body: Buffer, expected: Buffer | null): void {
    for (const shadow of deployment.variants) {
      if (shadow.mirrorPercent <= 0 || Math.random() * 100 >= shadow.mirrorPercent) continue;
      const replica = routing.nextReplica(shadow, (a) => outliers.isEjected(a));
      if (!replica) continue;
      const started = performance.now();
      forward(framed, replica, method, route.upstreamPath, 'application/json', body)
        .then(async (response) => {
          const [status, answer] =
            response instanceof IncomingMessage ? [response.statusCode ?? 500, await readAll(response)] : [response.status, response.body];
          const latency = performance.now() - started;
          if (status >= 400 || !expected) return shadows.record(shadow.id, 'failed', latency);
          shadows.record(shadow.id, outputsAgree(parseJson(answer), parseJson(expected)) ? 'agreed' : 'disagreed', latency);
        })
        .catch(() => shadows.record(shadow.id, 'failed', performance.now() - started));
    }
  }

  /**
   * Admission: API key, rate limit, deployment, team, pinned variant, then the body. Answers every
   * refusal itself and returns the call only when it may go on.
   */
  async function admit(req: IncomingMessage, res: ServerResponse, route: MatchedRoute, accounting: RequestAccounting): Promise<Call | undefined> {
    const key = apiKeyOf(req);
    if (!key) return void sendError(res, route.protocol, 'unauthorized', 'missing API key: send "Authorization: Bearer <key>"');
    const principal = keys.cached(key) ?? (await keys.authenticate(key));
    if (!principal) return void sendError(res, route.protocol, 'unauthorized', 'invalid or revoked API key');
    const allowed = limiter.takeHeld(principal.keyId, principal.rateLimitPerSecond) ?? (await limiter.take(principal.keyId, principal.rateLimitPerSecond));
    if (!allowed.ok) {
      res.setHeader('retry-after', String(Math.max(1, Math.ceil(allowed.retryAfterMs / 1000))));
      return void sendError(res, route.protocol, 'rate_limited', 'rate limit exceeded for this API key');
    }
    const deployment = routing.deployment(route.deploymentName);
    if (!deployment) return void sendError(res, route.protocol, 'not_found', `no deployment named '${route.deploymentName}' is serving`);
    if (!mayCall(principal, deployment.teamId)) {
      return void sendError(res, route.protocol, 'forbidden', `this API key may not call '${route.deploymentName}'`);
    }
    const pinnedHeader = req.headers[PIN_HEADER];
    const pinned = typeof pinnedHeader === 'string' ? pinnedHeader : undefined;
    if (pinned !== undefined) {
      const named = deployment.variants.filter((v) => v.name === pinned);
      if (named.length === 0) return void sendError(res, route.protocol, 'not_found', `no serving variant named '${pinned}'`);
      if (!named.some((v) => v.weight > 0)) {
        return void sendError(res, route.protocol, 'not_found', `variant '${pinned}' does not take direct traffic (it is a shadow or at weight 0)`);
      }
    }
    const body = await readBody(req, options.maxBodyBytes);
    const sticky = req.headers[STICKY_HEADER];
    const unit = typeof sticky === 'string' ? stickyUnit(sticky) : Math.random();
    return { req, res, route, deployment, body, pinned, unit, accounting, mayHold: true };
  }

  /** Forwards to a replica, retrying others while none answers; holds the request if its deployment sleeps. */
  async function forwardWithRetry(call: Call): Promise<void> {
    const { req, res, route, deployment, body, accounting } = call;
    const failed = new Set<string>();
    const pickOptions = {
      unit: call.unit,
      pinned: call.pinned,
      isExcluded: (address: string) => failed.has(address) || outliers.isEjected(address),
    };

    for (;;) {
      // Prefer healthy replicas; if every one is ejected, still try them rather than fail outright.
      const target = routing.pick(deployment, pickOptions) ?? routing.pick(deployment, { ...pickOptions, isExcluded: (a) => failed.has(a) });
      if (!target) {
        const awaited = failed.size === 0 && call.mayHold ? awaitedVariants(deployment, call.pinned) : undefined;
        if (awaited) return holdForWake(call, awaited);
        const code = failed.size > 0 ? 'upstream_unavailable' : 'no_ready_replica';
        return sendError(res, route.protocol, code, `no replica of '${deployment.name}' could take the request`);
      }
      accounting.assign(target.variant.id);
      let upstream: UpstreamAnswer;
      try {
        upstream = await forward(framed, target.replica, req.method!, route.upstreamPath, req.headers['content-type'] ?? 'application/json', body);
      } catch (error) {
        if (!(error instanceof ConnectionFailedError)) throw error;
        // No answer came back: the replica is gone or restarting; inference is pure, so retry elsewhere.
        failed.add(target.replica.address);
        outliers.eject(target.replica.address);
        continue;
      }
      return respond(call, target, upstream);
    }
  }

  /** Relays a replica's answer to the caller, then mirrors the request to shadows. */
  function respond(call: Call, target: RouteTarget, upstream: UpstreamAnswer): void {
    const { req, res, route, deployment, body } = call;
    const status = upstream instanceof IncomingMessage ? (upstream.statusCode ?? 502) : upstream.status;
    // 502/503/504 say the replica is in trouble; a 500 is the model's answer to this one request.
    if (status >= 502 && status <= 504) outliers.eject(target.replica.address);
    call.accounting.answered(status);
    if (res.destroyed) {
      // The caller left while the replica worked: its accounting is already settled; discard the answer.
      if (upstream instanceof IncomingMessage) upstream.resume();
      return;
    }
    const mirrored = req.method === 'POST' && deployment.variants.some((v) => v.mirrorPercent > 0);
    if (!(upstream instanceof IncomingMessage)) {
      // The framed transport hands over the whole answer: one write of headers and body.
      res
        .writeHead(status, { 'content-type': upstream.contentType, 'content-length': upstream.body.length, 'x-slipway-variant': target.variant.name })
        .end(upstream.body);
      if (mirrored) mirror(deployment, route, req.method!, body, status < 400 ? upstream.body : null);
      return;
    }
    const length = Number(upstream.headers['content-length']);
    const headers: OutgoingHttpHeaders = {
      'content-type': upstream.headers['content-type'] ?? 'application/json',
      'x-slipway-variant': target.variant.name,
    };
    const answered = (output: Buffer | null) => {
      if (mirrored) mirror(deployment, route, req.method!, body, output);
    };

    if (Number.isFinite(length) && length <= BUFFERED_RESPONSE_BYTES) {
      // A prediction's answer is small: one write of headers and body, without a pipe's machinery.
      const chunks: Buffer[] = [];
      upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
      upstream.once('end', () => {
        const payload = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        headers['content-length'] = payload.length;
        res.writeHead(status, headers).end(payload);
        answered(status < 400 ? payload : null);
      });
      upstream.once('error', () => res.destroy());
      return;
    }
    if (Number.isFinite(length)) headers['content-length'] = length;
    res.writeHead(status, headers);
    if (mirrored) {
      const chunks: Buffer[] = [];
      upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
      upstream.once('end', () => answered(status < 400 ? Buffer.concat(chunks) : null));
    }
    upstream.pipe(res);
  }

  /** Waits, in the hold, for a routing update that gives the deployment a ready replica, then forwards as usual. */
  function holdForWake(call: Call, awaited: RoutedVariant[]): void {
    const { res, route, deployment } = call;
    waker.wake(deployment);
    const held = hold.add(deployment.name, {
      res,
      isWaiting: (current) => current !== undefined && awaitedVariants(current, call.pinned) !== undefined,
      settle: (outcome, current) => {
        if (outcome === 'disconnected') return;
        if (outcome !== 'released') return refuseHeld(call, outcome);
        if (!current) return sendError(res, route.protocol, 'not_found', `no deployment named '${deployment.name}' is serving`);
        call.accounting.restartClock();
        forwardWithRetry({ ...call, deployment: current, mayHold: false }).catch((error) => fail(res, route, error));
      },
    });
    if (!held) {
      refuseHeld(call, 'hold_full');
      return;
    }
    // In flight for the variant it would go to: the autoscaler scales on requests in flight and queued.
    call.accounting.assign((pickWeighted(awaited, call.unit) ?? awaited[0]!).id);
  }

  function refuseHeld({ res, route, deployment }: Call, code: HoldRefusal): void {
    const messages: Record<HoldRefusal, string> = {
      hold_full: `'${deployment.name}' is waking up and already holds ${options.holdMaxRequests} waiting requests; retry shortly`,
      hold_timeout: `'${deployment.name}' did not wake up within ${options.holdTimeoutMs} ms; retry shortly`,
      waking: `'${deployment.name}' is waking up; retry shortly`,
    };
    res.setHeader('retry-after', String(HOLD_RETRY_AFTER_SECONDS));
    sendError(res, route.protocol, code, messages[code]);
  }

  function fail(res: ServerResponse, route: MatchedRoute, error: unknown): void {
    if (error instanceof BodyTooLargeError) {
      sendError(res, route.protocol, 'payload_too_large', `request body exceeds ${options.maxBodyBytes} bytes`);
      return;
    }
    console.error('gateway error', error);
    if (!res.headersSent) sendError(res, route.protocol, 'upstream_unavailable', 'the gateway could not complete the request');
    else res.destroy();
  }

  const renderMetrics = () => metrics.render(inFlight, shadows, routing.variantIds(), [hold.metricLines(), waker.metricLines()]);
  const metricsText = options.hostMetrics?.(renderMetrics) ?? (async () => renderMetrics());

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (path === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (path === '/metrics') {
      // Names every deployment and variant: only for a scraper holding the metrics token.
      if (!options.metricsToken || !tokenMatches(bearerOf(req), options.metricsToken)) {
        return sendError(res, 'slipway', 'unauthorized', 'send "Authorization: Bearer <SLIPWAY_METRICS_TOKEN>" to read the metrics');
      }
      return void metricsText().then((text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text));
    }
    const documented = matchModelDocs(req.method ?? 'GET', path);
    if (documented) {
      return void serveModelDocs({ db: options.db, keys, routing, apiKeyOf }, req, res, documented).catch((error) => {
        console.error('gateway error', error);
        if (!res.headersSent) sendError(res, 'slipway', 'upstream_unavailable', 'the gateway could not load the API docs');
      });
    }
    const route = matchRoute(req.method ?? 'GET', path);
    if (!route) return sendError(res, 'slipway', 'not_found', `no route for ${req.method} ${path}`);
    // Accounting starts at arrival, before anything can fail or the caller can leave.
    const accounting = new RequestAccounting(res, inFlight, (variantId, status, latencyMs) => {
      metrics.observe(route.deploymentName, variantId, status, latencyMs);
      recorder.record(variantId, latencyMs, status);
    });
    admit(req, res, route, accounting)
      .then((call) => call && forwardWithRetry(call))
      .catch((error) => fail(res, route, error));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host}:${port}`,
    routing,
    recorder,
    shadows,
    async close() {
      hold.settleAll('waking');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      framed?.close();
      inFlight.stop();
      await rollups.stop();
      subscriber.disconnect();
    },
  };
}
