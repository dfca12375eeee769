import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '@slipway/db';
import type { RoutedDeployment } from '@slipway/queue';
import type { BlobStore } from '@slipway/storage';
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
import { KeyUsage } from './key-usage';
import { LatencyRecorder } from './latency-recorder';
import { GraphStepMetrics } from './graph/graph-metrics';
import { type GraphRouteDeps, graphDocsKind, graphRouteKinds } from './graph/graph-route';
import { StepCaller } from './graph/step-call';
import { GraphTraces, type TraceSink } from './graph/traces';
import { LiveCounters } from './live-counters';
import { GatewayMetrics } from './metrics';
import { ShadowMirror } from './mirror';
import { OutlierDetector } from './outliers';
import { RateLimiter } from './rate-limiter';
import { Responder } from './response';
import { startQuality } from './quality';
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
  /** How often the live counters the canary guardrail reads are added to Redis (default 100 ms). */
  liveCountsIntervalMs?: number;
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
  /** Where graph traces are written (default: the database's graph traces). */
  traceSink?: TraceSink;
  /** A graph step's first retry waits this long, doubled for each next one. */
  graphRetryBackoffMs?: number;
  /** Where sampled requests and answers are captured (see quality/); without one, only the predictions ledger runs. */
  blobs?: BlobStore;
  /** How often capture settings are reloaded, and the ledger and capture writers flush (tests shorten them). */
  quality?: { enabled?: boolean; settingsRefreshMs?: number; ledgerFlushMs?: number; captureFlushMs?: number };
}

export interface Gateway {
  url: string;
  routing: RoutingState;
  recorder: LatencyRecorder;
  shadows: ShadowStats;
  /** Graph traces kept since the last rollup flush. */
  traces: GraphTraces;
  quality: Awaited<ReturnType<typeof startQuality>>;
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
  const traces = new GraphTraces(options.traceSink ?? databaseTraceSink(options.db));
  const usage = new KeyUsage(options.db);
  const rollups = new RollupTimer([recorder, shadows, traces, usage]);
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
  const live = new LiveCounters(options.redis, options.prefix, (variantId) => routing.canaryOf(variantId));
  live.start(options.liveCountsIntervalMs);

  const quality = await startQuality({ db: options.db, keys, blobs: options.blobs, maxBodyBytes: options.maxBodyBytes, ...options.quality });
  const mirror = new ShadowMirror({ routing, outliers, framed, shadows });
  const inference = inferenceHandler({
    accounting: { inFlight, metrics, recorder, live },
    admit: createAdmission({ keys, limiter, deployment, maxBodyBytes: options.maxBodyBytes, usage }),
    upstream: new Upstream({ routing, outliers, framed }),
    responder: new Responder({ outliers, mirror: (answered) => mirror.mirror(answered), quality: quality.onAnswer }),
    holding,
    maxBodyBytes: options.maxBodyBytes,
  });
  const stepMetrics = new GraphStepMetrics();
  const steps = new StepCaller({
    routing,
    outliers,
    framed,
    waker,
    inFlight,
    observe: (deployment, variantId, status, latencyMs) => {
      metrics.observe(deployment, variantId, status, latencyMs);
      recorder.record(variantId, latencyMs, status);
      live.record(variantId, status, latencyMs);
    },
  });
  const graphDeps: GraphRouteDeps = {
    routing,
    admit: createAdmission({ keys, limiter, deployment: (name) => graphAsDeployment(routing, name), maxBodyBytes: options.maxBodyBytes }),
    execute: {
      call: (deployment, inputs, timeoutMs, tried) => steps.call(deployment, inputs, timeoutMs, tried),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      backoffMs: options.graphRetryBackoffMs ?? 25,
    },
    metrics,
    steps: stepMetrics,
    traces,
    examples: new Map(),
  };
  const graphs = graphRouteKinds(graphDeps);
  const routeStats = new ServiceRouteStats();
  const renderMetrics = () =>
    metrics.render(inFlight, shadows, routing.variantIds(), [
      hold.metricLines(),
      waker.metricLines(),
      stepMetrics.lines(),
      traces.metricLines(),
      quality.metricLines(),
      routeStats.lines(),
    ]);
  const metricsText = options.hostMetrics?.(renderMetrics) ?? (async () => renderMetrics());

  const routes = new RouteTable()
    .add(healthRoute)
    .add(metricsRoute(options.metricsToken, metricsText))
    .add(graphDocsKind(graphDeps))
    .add(modelDocsRoute({ db: options.db, keys, routing, apiKeyOf }))
    .add(quality.route);
  for (const kind of graphs) routes.add(kind);
  for (const kind of INFERENCE_ROUTES) routes.add({ ...kind, handle: inference });
  const services = serviceHandler({
    routeStats,
    deployment,
    authorize: createAuthorization({ keys, limiter, deployment }),
    accounting: { inFlight, metrics, recorder, live },
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
    traces,
    quality,
    async close() {
      holding.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      framed?.close();
      inFlight.stop();
      await live.stop();
      await rollups.stop();
      await quality.close();
      subscriber.disconnect();
    },
  };
}

/** A serving graph as admission sees a deployment: its name and team (API keys and rate limits apply as to a model). */
function graphAsDeployment(routing: RoutingState, name: string): RoutedDeployment | undefined {
  const graph = routing.graph(name);
  return graph && { id: graph.id, name: graph.name, teamId: graph.teamId, variants: [] };
}

/** Graph traces into the database, those of graphs deleted meanwhile left out. */
function databaseTraceSink(db: Db): TraceSink {
  return async (traces) => {
    const existing = new Set(
      (await db.graphDeployment.findMany({ where: { id: { in: traces.map((t) => t.graphId) } }, select: { id: true } })).map((g) => g.id),
    );
    const rows = traces
      .filter((t) => existing.has(t.graphId))
      .map((t) => ({
        graphId: t.graphId,
        traceId: t.traceId,
        revision: t.revision,
        status: t.status,
        durationMs: t.durationMs,
        failed: t.failed,
        steps: t.steps as object[],
        createdAt: t.at,
      }));
    const { count } = await db.graphTrace.createMany({ data: rows });
    return count;
  };
}
