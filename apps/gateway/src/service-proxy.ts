import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RoutedDeployment } from '@slipway/queue';
import type { Authorize } from './admission';
import type { Call } from './call';
import { sendError } from './errors';
import type { HoldAndWake } from './hold-and-wake';
import type { OutlierDetector } from './outliers';
import { type AccountingDeps, startAccounting } from './response';
import type { MatchedRoute } from './routes';
import type { RoutedReplica, RoutedVariant, RouteTarget, RoutingState } from './routing-state';
import { requestIdOf } from './quality/recorder';
import { callerResponseHeaders, mayMirror, mayRetry, upstreamRequestHeaders } from './service-routes';
import type { ServiceRouteStats } from './service-route-stats';
import { chooseVariant } from './upstream';

/** Keep-alive connections to service replicas (their own servers, not the runtime's framed listeners). */
export const serviceAgent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' });

const NO_BODY = Buffer.alloc(0);

export interface ServiceProxyDeps {
  authorize: Authorize;
  accounting: AccountingDeps;
  routing: Pick<RoutingState, 'pick' | 'nextReplica'>;
  outliers: Pick<OutlierDetector, 'isEjected' | 'eject'>;
  holding: Pick<HoldAndWake, 'hold'>;
  /** Whether this request is among a shadow's `mirrorPercent` (random by default). */
  sampled?: (mirrorPercent: number) => boolean;
  /** The deployment's current routing entry: a retry looks again when every replica it knew of failed. */
  deployment?: (name: string) => RoutedDeployment | undefined;
  /** Latency and errors per route template and status class. */
  routeStats?: Pick<ServiceRouteStats, 'observe'>;
}

/** The deployment as a service sees it: only its service variants (a model version under it is not called here). */
export function serviceView(deployment: RoutedDeployment): RoutedDeployment {
  return { ...deployment, variants: deployment.variants.filter((v) => v.service !== undefined) };
}

/**
 * The handler of `/services/<name>/…`: admission without reading the body, then the request streamed to a
 * replica of the chosen variant and its answer streamed back as it comes (SSE and chunked answers unbuffered).
 * A request routed to a sleeping variant waits in the hold; a caller that leaves aborts the upstream request.
 */
export function serviceHandler(deps: ServiceProxyDeps) {
  const sampled = deps.sampled ?? ((percent: number) => Math.random() * 100 < percent);
  return (req: IncomingMessage, res: ServerResponse, route: MatchedRoute): void => {
    const accounting = startAccounting(deps.accounting, res, route);
    const arrived = performance.now();
    const outcome: Outcome = { status: undefined };
    res.once('close', () => {
      // Refusals the gateway answers itself (401, 429…) are admission's; a route's figures are what the service answered.
      if (outcome.status === undefined) return;
      const status = res.writableFinished ? outcome.status : undefined;
      deps.routeStats?.observe(route.deploymentName, req.method ?? 'GET', route.upstreamPath, status, (performance.now() - arrived) / 1000);
    });
    deps
      .authorize(req, res, route)
      .then((authorized) => {
        if (!authorized) return;
        const deployment = serviceView(authorized.deployment);
        if (deployment.variants.length === 0) {
          return sendError(
            res,
            route.protocol,
            'not_found',
            `'${route.deploymentName}' is a model, not a service: call /models/${route.deploymentName}/predict`,
          );
        }
        const call: Call = { req, res, route, deployment, body: NO_BODY, pinned: authorized.pinned, unit: authorized.unit, accounting, mayHold: true };
        const send = (current: Call): void => {
          const view = serviceView(current.deployment);
          const variant = chooseVariant(view, current.unit, current.pinned);
          if (variant && variant.replicas.length === 0 && current.mayHold) {
            deps.holding.hold({ ...current, deployment: view }, variant, send);
            return;
          }
          new ServiceExchange(deps, { ...current, deployment: view }, variant, outcome).start();
          if (mayMirror(req.method ?? 'GET')) mirrorToShadows(view, current, sampled, deps);
        };
        send(call);
      })
      .catch(() => sendError(res, route.protocol, 'upstream_unavailable', 'the request could not be forwarded'));
  };
}

/** The status the service (or its timeout) gave a request, for its route's figures. */
interface Outcome {
  status: number | undefined;
}

/** One caller's request through to one replica (or, when the first failed without it reaching the service, another). */
class ServiceExchange {
  private readonly failed = new Set<string>();
  private readonly requestId: string;
  private timedOut = false;
  private retriedStaleSocket = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: ServiceProxyDeps,
    private readonly call: Call,
    private readonly variant: RoutedVariant | undefined,
    private readonly outcome: Outcome,
  ) {
    this.requestId = requestIdOf(call.req.headers);
  }

  start(): void {
    const timeoutMs = this.variant?.service?.requestTimeoutMs;
    if (timeoutMs) this.timer = setTimeout(() => this.timeOut(timeoutMs), timeoutMs);
    this.call.res.once('close', () => clearTimeout(this.timer));
    this.attempt();
  }

  private target(): RouteTarget | undefined {
    const { routing, outliers } = this.deps;
    const isExcluded = (address: string) => this.failed.has(address) || outliers.isEjected(address);
    const replica = this.variant && routing.nextReplica(this.variant, isExcluded);
    if (this.variant && replica) return { variant: this.variant, replica };
    const options = { unit: this.call.unit, pinned: this.call.pinned, isExcluded };
    const notFailed = { ...options, isExcluded: (a: string) => this.failed.has(a) };
    const found = routing.pick(this.call.deployment, options) ?? routing.pick(this.call.deployment, notFailed);
    if (found || this.failed.size === 0) return found;
    // Every replica the request arrived with failed: the table may have moved on since (a rollout replaced them).
    const current = this.deps.deployment?.(this.call.deployment.name);
    return current ? routing.pick(serviceView(current), notFailed) : undefined;
  }

  private attempt(): void {
    const { req, res, route, accounting } = this.call;
    if (res.destroyed || this.timedOut) return;
    const target = this.target();
    if (!target) {
      const code = this.failed.size > 0 ? 'upstream_unavailable' : 'no_ready_replica';
      sendError(res, route.protocol, code, `no replica of '${route.deploymentName}' could take the request`);
      return;
    }
    accounting.assign(target.variant.id);
    const { hostname, port } = new URL(target.replica.address);
    const method = req.method ?? 'GET';
    const headers = upstreamRequestHeaders(req.headers, {
      requestId: this.requestId,
      deploymentName: route.deploymentName,
      clientAddress: req.socket.remoteAddress,
    });
    const upstream = request({ host: hostname, port, method, path: route.upstreamPath, headers, agent: serviceAgent });
    const progress = { reachedReplica: false, bodyBytesSent: 0, answerStarted: false };
    const countBody = (chunk: Buffer) => {
      progress.bodyBytesSent += chunk.length;
    };
    // The caller's body is taken only once the replica's connection is up: a refused connection can go elsewhere whole.
    upstream.once('socket', (socket: Socket) => {
      socket.setNoDelay(true);
      const go = () => {
        progress.reachedReplica = true;
        req.on('data', countBody);
        req.pipe(upstream);
      };
      if (socket.connecting) socket.once('connect', go);
      else go();
    });
    const onCallerGone = () => {
      if (!res.writableFinished) upstream.destroy();
    };
    res.once('close', onCallerGone);
    upstream.once('response', (answer) => {
      progress.answerStarted = true;
      this.relayAnswer(answer, target);
    });
    upstream.once('error', () => {
      req.off('data', countBody);
      req.unpipe(upstream);
      res.off('close', onCallerGone);
      if (res.destroyed || this.timedOut) return;
      if (progress.answerStarted) return void res.destroy();
      if (!progress.reachedReplica) this.deps.outliers.eject(target.replica.address);
      // A kept-alive connection the service closed just as it was reused: the replica is fine, the socket was not.
      if (upstream.reusedSocket && !this.retriedStaleSocket && mayRetry({ method, ...progress })) {
        this.retriedStaleSocket = true;
        this.attempt();
        return;
      }
      if (mayRetry({ method, ...progress })) {
        this.failed.add(target.replica.address);
        this.attempt();
        return;
      }
      sendError(
        res,
        route.protocol,
        'upstream_unavailable',
        `the replica of '${route.deploymentName}' failed before answering; the request was not retried (${method} with a body already sent)`,
      );
    });
  }

  /** Status and headers at once (an SSE stream's first event must not wait for a body), then the body as it comes. */
  private relayAnswer(answer: IncomingMessage, target: { variant: RoutedVariant; replica: RoutedReplica }): void {
    const { res, accounting } = this.call;
    const status = answer.statusCode ?? 502;
    accounting.answered(status);
    this.outcome.status = status;
    if (res.destroyed) return void answer.destroy();
    res.writeHead(status, callerResponseHeaders(answer.headers, { requestId: this.requestId, variantName: target.variant.name }));
    // A stream (no length: SSE, chunked) gets its headers at once; a sized answer goes out with its first bytes in one write.
    if (answer.headers['content-length'] === undefined) res.flushHeaders();
    answer.pipe(res);
    answer.once('error', () => res.destroy());
    answer.once('aborted', () => res.destroy());
  }

  private timeOut(timeoutMs: number): void {
    const { res, route } = this.call;
    this.timedOut = true;
    if (res.headersSent) return void res.destroy();
    this.call.accounting.answered(504);
    this.outcome.status = 504;
    sendError(
      res,
      route.protocol,
      'upstream_timeout',
      `'${route.deploymentName}' did not answer within ${Math.round(timeoutMs / 1000)} s (its requestTimeoutSeconds)`,
    );
  }
}

/** Copies of a safe request (no body) to each sampled shadow variant; their answers are read and discarded. */
function mirrorToShadows(
  deployment: RoutedDeployment,
  call: Call,
  sampled: (percent: number) => boolean,
  deps: Pick<ServiceProxyDeps, 'routing' | 'outliers'>,
): void {
  for (const shadow of deployment.variants) {
    if (shadow.mirrorPercent <= 0 || !sampled(shadow.mirrorPercent)) continue;
    const replica = deps.routing.nextReplica(shadow, (address) => deps.outliers.isEjected(address));
    if (!replica) continue;
    const { hostname, port } = new URL(replica.address);
    const headers = upstreamRequestHeaders(call.req.headers, {
      requestId: requestIdOf(call.req.headers),
      deploymentName: deployment.name,
      clientAddress: undefined,
    });
    delete headers['content-length'];
    const copy = request({
      host: hostname,
      port,
      method: call.req.method,
      path: call.route.upstreamPath,
      headers: { ...headers, 'x-slipway-shadow': '1' },
      agent: serviceAgent,
    });
    copy.on('response', (answer) => answer.resume());
    copy.on('error', () => undefined);
    copy.end();
  }
}
