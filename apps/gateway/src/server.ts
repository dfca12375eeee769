import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '@slipway/db';
import type { Redis } from 'ioredis';
import { createAdmission, createAuthorization } from './admission';
import { ApiKeyCache } from './api-keys';
import { apiKeyOf } from './credentials';
import { sendError } from './errors';
import { FramedTransport } from './framed-client';
import { RequestHold } from './hold';
import { HoldAndWake } from './hold-and-wake';
import { InFlightTracker } from './in-flight';
import { inferenceHandler } from './inference';
import { LatencyRecorder } from './latency-recorder';
import { GatewayMetrics } from './metrics';
import { ShadowMirror } from './mirror';
import { OutlierDetector } from './outliers';
import { RateLimiter } from './rate-limiter';
import { Responder } from './response';
import { RollupTimer } from './rollups';
import { INFERENCE_ROUTES, pathOf, RouteTable } from './routes';
import { RoutingState } from './routing-state';
import { healthRoute, metricsRoute, modelDocsRoute } from './operational-routes';
import { ShadowStats } from './shadow';
import { serviceHandler } from './service-proxy';
import { ServiceRouteStats } from './service-route-stats';
import { matchServicePath } from './service-routes';
import { Upstream } from './upstream';
import { Waker } from './wake';

export { PIN_HEADER, STICKY_HEADER } from './admission';

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

/** Builds the gateway's parts, wires them to each other and to the route table, and listens. */
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
  const deployment = (name: string) => routing.deployment(name);
  const holding = new HoldAndWake({ hold, waker, deployment, limits: options });
  routing.onReplace(() => holding.reconsider());
  const subscriber = options.redis.duplicate();
  await routing.follow(options.redis, subscriber, options.prefix, () => keys.invalidate());
  rollups.start(options.rollupIntervalMs);
  inFlight.start(options.redis, options.prefix);

  const mirror = new ShadowMirror({ routing, outliers, framed, shadows });
  const inference = inferenceHandler({
    accounting: { inFlight, metrics, recorder },
    admit: createAdmission({ keys, limiter, deployment, maxBodyBytes: options.maxBodyBytes }),
    upstream: new Upstream({ routing, outliers, framed }),
    responder: new Responder({ outliers, mirror: (answered) => mirror.mirror(answered) }),
    holding,
    maxBodyBytes: options.maxBodyBytes,
  });
  const routeStats = new ServiceRouteStats();
  const renderMetrics = () => metrics.render(inFlight, shadows, routing.variantIds(), [hold.metricLines(), waker.metricLines(), routeStats.lines()]);
  const metricsText = options.hostMetrics?.(renderMetrics) ?? (async () => renderMetrics());

  const routes = new RouteTable()
    .add(healthRoute)
    .add(metricsRoute(options.metricsToken, metricsText))
    .add(modelDocsRoute({ db: options.db, keys, routing, apiKeyOf }));
  for (const kind of INFERENCE_ROUTES) routes.add({ ...kind, handle: inference });
  const services = serviceHandler({
    routeStats,
    deployment,
    authorize: createAuthorization({ keys, limiter, deployment }),
    accounting: { inFlight, metrics, recorder },
    routing,
    outliers,
    holding,
  });
  routes.add({
    name: 'service',
    match: (_method, path) => matchServicePath(path),
    // The match was made on the path alone; the replica gets the query string too, exactly as sent.
    handle: (req, res, match) => services(req, res, matchServicePath(req.url ?? '/') ?? match),
  });

  const server: Server = createServer((req, res) => {
    const path = pathOf(req.url);
    if (!routes.dispatch(req, res, path)) sendError(res, 'slipway', 'not_found', `no route for ${req.method} ${path}`);
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
      holding.close();
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
