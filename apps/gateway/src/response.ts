import { IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { BodyTooLargeError } from './body';
import type { Call } from './call';
import { sendError } from './errors';
import type { UpstreamAnswer } from './forward';
import type { InFlightTracker } from './in-flight';
import type { LatencyRecorder } from './latency-recorder';
import type { LiveCounters } from './live-counters';
import type { GatewayMetrics } from './metrics';
import { type Answered, ShadowMirror } from './mirror';
import type { OutlierDetector } from './outliers';
import { RequestAccounting } from './request-accounting';
import type { MatchedRoute } from './routes';
import type { RouteTarget } from './routing-state';
import { log } from './log';
import { requestIdOf, REQUEST_ID_HEADER } from './quality/recorder';

/** Upstream answers up to this size are buffered and sent in one write; larger ones stream. */
export const BUFFERED_RESPONSE_BYTES = 1024 * 1024;

export interface AccountingDeps {
  inFlight: InFlightTracker;
  metrics: Pick<GatewayMetrics, 'observe'>;
  recorder: Pick<LatencyRecorder, 'record'>;
  /** The shared live counters the canary guardrail reads. */
  live?: Pick<LiveCounters, 'record'>;
}

/**
 * A request's accounting, started at arrival (before anything can fail or the caller can leave): in flight
 * while it lasts, then its status and latency in the metrics and the latency rollups.
 */
export function startAccounting(deps: AccountingDeps, res: ServerResponse, route: MatchedRoute): RequestAccounting {
  return new RequestAccounting(res, deps.inFlight, (variantId, status, latencyMs) => {
    deps.metrics.observe(route.deploymentName, variantId, status, latencyMs);
    deps.recorder.record(variantId, latencyMs, status);
    deps.live?.record(variantId, status, latencyMs);
  });
}

export interface ResponderDeps {
  outliers: Pick<OutlierDetector, 'eject'>;
  /** Called with each answered request of a deployment that mirrors, once its answer is complete. */
  mirror: (answered: Answered) => void;
  /** Called with each answer relayed (null when it streamed past the buffering size): the quality ledger and capture. */
  quality?: (answer: RelayedAnswer) => void;
}

export interface RelayedAnswer {
  call: Call;
  target: RouteTarget;
  status: number;
  requestId: string;
  output: Buffer | null;
}

/** Relays a replica's answer to the caller (one write when small, a stream when large), then hands it to the shadows. */
export class Responder {
  constructor(private readonly deps: ResponderDeps) {}

  relay(call: Call, target: RouteTarget, upstream: UpstreamAnswer): void {
    const { req, res, route, deployment, body } = call;
    const status = upstream instanceof IncomingMessage ? (upstream.statusCode ?? 502) : upstream.status;
    // 502/503/504 say the replica is in trouble; a 500 is the model's answer to this one request.
    if (status >= 502 && status <= 504) this.deps.outliers.eject(target.replica.address);
    call.accounting.answered(status);
    if (res.destroyed) {
      // The caller left while the replica worked: its accounting is already settled; discard the answer.
      if (upstream instanceof IncomingMessage) upstream.resume();
      return;
    }
    const method = req.method!;
    const requestId = requestIdOf(req.headers);
    const mirrored = ShadowMirror.mirrors(deployment, method)
      ? (output: Buffer) => this.deps.mirror({ deployment, variant: target.variant, route, method, body, output: status < 400 ? output : null })
      : undefined;
    const quality = this.deps.quality;
    const answered =
      quality || mirrored
        ? (output: Buffer | null) => {
            if (output !== null) mirrored?.(output);
            quality?.({ call, target, status, requestId, output });
          }
        : undefined;
    if (!(upstream instanceof IncomingMessage)) {
      // The framed transport hands over the whole answer: one write of headers and body.
      res
        .writeHead(status, {
          'content-type': upstream.contentType,
          'content-length': upstream.body.length,
          'x-slipway-variant': target.variant.name,
          [REQUEST_ID_HEADER]: requestId,
        })
        .end(upstream.body);
      answered?.(upstream.body);
      return;
    }
    const length = Number(upstream.headers['content-length']);
    const headers: OutgoingHttpHeaders = {
      'content-type': upstream.headers['content-type'] ?? 'application/json',
      'x-slipway-variant': target.variant.name,
      [REQUEST_ID_HEADER]: requestId,
    };
    if (Number.isFinite(length) && length <= BUFFERED_RESPONSE_BYTES) {
      // A prediction's answer is small: one write of headers and body, without a pipe's machinery.
      const chunks: Buffer[] = [];
      upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
      upstream.once('end', () => {
        const payload = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        headers['content-length'] = payload.length;
        res.writeHead(status, headers).end(payload);
        answered?.(payload);
      });
      upstream.once('error', () => res.destroy());
      return;
    }
    if (Number.isFinite(length)) headers['content-length'] = length;
    res.writeHead(status, headers);
    if (mirrored) {
      const chunks: Buffer[] = [];
      upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
      upstream.once('end', () => answered?.(Buffer.concat(chunks)));
    } else if (answered) upstream.once('end', () => answered(null));
    upstream.pipe(res);
  }
}

/** Answers a request that failed inside the gateway: 413 for a body over the limit, else upstream_unavailable (or a cut connection mid-answer). */
export function failRequest(res: ServerResponse, protocol: MatchedRoute['protocol'], error: unknown): void {
  if (error instanceof BodyTooLargeError) {
    // Too much declared to drop: nothing was read, so the connection cannot carry another request.
    if (!error.discardingRest) res.setHeader('connection', 'close');
    sendError(res, protocol, 'payload_too_large', error.message);
    return;
  }
  log.error({ err: error }, 'gateway error');
  if (!res.headersSent) sendError(res, protocol, 'upstream_unavailable', 'the gateway could not complete the request');
  else res.destroy();
}
