import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server } from 'node:http';
import {
  conciseOrtMessage,
  decodePathSegment,
  InvalidInputError,
  jsonNestsDeeperThan,
  MAX_JSON_DEPTH,
  renderError,
  REPLICA_OPEN_PATHS,
  REPLICA_TOKEN_HEADER,
  type ErrorProtocol,
  type ModelSignature,
} from '@slipway/core';
import type { Inferencer } from './batcher';
import type { Feeds, Outputs } from './model';
import { createFramedListener, type FramedListener } from './framed-listener';
import type { RuntimeMetrics } from './metrics';
import { RequestError } from './protocols/errors';
import { parseV1Request, v1Response } from './protocols/kserve-v1';
import { nestedOutputs, parsePredictRequest } from './protocols/named-inputs';
import { oipInferResponse, oipModelMetadata, parseOipInferRequest } from './protocols/oip';

export interface RuntimeServerOptions {
  model: { name: string; version: string; signature: ModelSignature; featureNames?: readonly string[] };
  inferencer: Inferencer;
  metrics: RuntimeMetrics;
  maxBodyBytes: number;
  /** When set, every request but the health probes must carry it in REPLICA_TOKEN_HEADER (the gateway does). */
  token?: string;
  /** Sees every answered request's inputs and outputs (drift monitoring); `secondsSpent` is what that has cost. */
  drift?: { observe(feeds: Feeds, outputs: Outputs): void; readonly secondsSpent: number };
}

type Protocol = ErrorProtocol | 'ops';

const SERVER_METADATA = { name: 'slipway-runtime', version: '0.1.0', extensions: [] as string[] };
const OIP_MODEL = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;
const V1_MODEL = /^\/v1\/models\/([^/:]+)(:predict)?$/;

/** A replica's answer to one request, whichever listener it came in on. */
export interface Answer {
  status: number;
  contentType: string;
  payload: string;
}

/** Reads a request's body as JSON (each listener has its own way to get the bytes). */
export type BodyReader = () => Promise<unknown>;

/** Writes an answer back on the listener the request came in on. */
export type Reply = (answer: Answer) => void;

export interface RuntimeServer {
  /** Plain HTTP, for everyone (health probes, direct callers with the token). */
  server: Server;
  /** The gateway's framed transport: one persistent connection, many requests (see `framed-listener.ts`). */
  framed: FramedListener;
  /** Stop accepting, let in-flight requests finish (up to `timeoutMs`), then close every connection. */
  drain(timeoutMs: number): Promise<void>;
}

/** The data-plane servers of one replica: Open Inference Protocol, KServe V1 and `/predict`, over HTTP and framed TCP. */
export function createRuntimeServer(options: RuntimeServerOptions): RuntimeServer {
  const { model, inferencer, metrics } = options;
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;

  const json = (status: number, body: unknown): Answer => ({ status, contentType: 'application/json', payload: JSON.stringify(body) });

  const errorAnswer = (protocol: Protocol, error: RequestError): Answer => {
    // OIP and KServe V1 clients expect `{"error": "…"}`; Slipway's own shape carries a stable code.
    const { status, body } = renderError(protocol === 'ops' ? 'slipway' : protocol, error.code, error.message);
    return json(status, body);
  };

  const token = options.token === undefined ? undefined : Buffer.from(options.token);
  const tokenMatches = (presented: string | Buffer | undefined): boolean => {
    if (!token) return true;
    if (presented === undefined) return false;
    const bytes = typeof presented === 'string' ? Buffer.from(presented) : presented;
    return bytes.length === token.length && timingSafeEqual(bytes, token);
  };

  /** A path segment decoded, or a 400 for a malformed percent-escape (a caller's mistake, never a 500). */
  const decoded = (segment: string): string => {
    const value = decodePathSegment(segment);
    if (value === undefined) throw new RequestError('bad_request', `malformed percent-escape in the path segment '${segment.slice(0, 40)}'`);
    return value;
  };

  const matchesModel = (name: string, version: string | undefined): boolean =>
    decoded(name) === model.name && (version === undefined || decoded(version) === model.version);

  const notFound = (what: string) => new RequestError('not_found', `${what} not found on this server (it serves '${model.name}' version ${model.version})`);

  async function route(method: string, path: string, authorized: boolean, readBody: BodyReader): Promise<Answer> {
    if (!authorized && !REPLICA_OPEN_PATHS.includes(path)) {
      throw new RequestError('unauthorized', 'this replica answers only its gateway: call the deployment through the gateway');
    }
    if (method === 'GET') {
      if (path === '/v2/health/live') return json(200, { live: true });
      if (path === '/v2/health/ready') return json(draining ? 503 : 200, { ready: !draining });
      if (path === '/v2' || path === '/v2/') return json(200, SERVER_METADATA);
      if (path === '/metrics') {
        return {
          status: 200,
          contentType: 'text/plain; version=0.0.4',
          payload: metrics.render(model.name, { queueDepth: inferencer.queueDepth(), inFlight, driftSeconds: options.drift?.secondsSpent }),
        };
      }
    }
    let m = OIP_MODEL.exec(path);
    if (m) {
      const [, name, version, action] = m;
      if (!matchesModel(name!, version)) throw notFound(`model '${decoded(name!)}'${version ? ` version ${decoded(version)}` : ''}`);
      if (method === 'GET' && action === undefined) return json(200, oipModelMetadata(model, model.signature));
      if (method === 'GET' && action === '/ready') return json(200, { name: model.name, ready: !draining });
      if (method === 'POST' && action === '/infer') {
        const request = parseOipInferRequest(model.signature, await readBody());
        const outputs = await infer(request.feeds);
        return json(200, oipInferResponse(model, request, outputs));
      }
    }
    m = V1_MODEL.exec(path);
    if (m) {
      const [, name, predict] = m;
      if (!matchesModel(name!, undefined)) throw notFound(`model '${decoded(name!)}'`);
      if (method === 'GET' && !predict) return json(200, { name: model.name, ready: !draining });
      if (method === 'POST' && predict) {
        const feeds = parseV1Request(model.signature, await readBody());
        return json(200, v1Response(await infer(feeds)));
      }
    }
    if (path === '/predict' && method === 'POST') {
      const feeds = parsePredictRequest(model.signature, await readBody(), model.featureNames);
      const outputs = await infer(feeds);
      return json(200, { model: model.name, version: model.version, outputs: nestedOutputs(outputs) });
    }
    throw new RequestError('not_found', `no route for ${method} ${path}`);
  }

  async function infer(feeds: Parameters<Inferencer['infer']>[0]) {
    try {
      const outputs = await inferencer.infer(feeds);
      options.drift?.observe(feeds, outputs);
      return outputs;
    } catch (error) {
      // The input passed the signature checks: the caller sent what the model says it takes, so a failing
      // run is the model's failure (as KServe and Triton answer it), counted against a canary's error rate.
      throw new RequestError('model_error', `the model failed on this input: ${conciseOrtMessage(error, 300)}`);
    }
  }

  /** One request from either listener: routed, answered through `reply` (errors rendered), counted and metered. */
  async function handle(method: string, path: string, authorized: boolean, readBody: BodyReader, reply: Reply): Promise<void> {
    const started = performance.now();
    const protocol: Protocol = path.startsWith('/v2/models') ? 'oip' : path.startsWith('/v1/') ? 'kserve-v1' : path === '/predict' ? 'slipway' : 'ops';
    inFlight++;
    let answer: Answer;
    try {
      answer = await route(method, path, authorized, readBody);
    } catch (error) {
      const requestError =
        error instanceof RequestError
          ? error
          : error instanceof InvalidInputError
            ? new RequestError('invalid_input', error.message)
            : new RequestError('internal', 'internal error');
      if (requestError.status === 500) console.error(error);
      answer = errorAnswer(protocol, requestError);
    }
    // Written before the in-flight count drops: a drain that ends on this request closes connections after it.
    reply(answer);
    inFlight--;
    if (protocol !== 'ops') metrics.record(protocol, answer.status, performance.now() - started);
    if (draining && inFlight === 0) drained?.();
  }

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const presented = req.headers[REPLICA_TOKEN_HEADER];
    const authorized = tokenMatches(typeof presented === 'string' ? presented : undefined);
    if (!authorized) req.resume();
    void handle(
      req.method ?? 'GET',
      path,
      authorized,
      () => readJson(req, options.maxBodyBytes),
      (answer) => {
        if (res.destroyed) return;
        const headers: OutgoingHttpHeaders = { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.payload) };
        if (answer.status === 413) headers.connection = 'close';
        res.writeHead(answer.status, headers).end(answer.payload);
      },
    );
  });
  server.keepAliveTimeout = 65_000;

  const framed = createFramedListener({
    handle,
    tokenMatches,
    maxBodyBytes: options.maxBodyBytes,
    parseBody: (bytes) => parseJsonBytes(bytes, options.maxBodyBytes),
  });

  return {
    server,
    framed,
    drain(timeoutMs) {
      draining = true;
      server.close();
      server.closeIdleConnections();
      framed.stopAccepting();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        drained = () => {
          clearTimeout(timer);
          resolve();
        };
        if (inFlight === 0) drained();
      }).then(() => {
        server.closeAllConnections();
        framed.closeAll();
      });
    },
  };
}

/** Reads a JSON body up to `limit` bytes; larger bodies get a 413 before they are buffered. */
function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once('error', reject);
    req.once('end', () => {
      if (size > limit) return;
      try {
        resolve(parseJsonBytes(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), limit));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** A whole body as JSON: a 413 beyond `limit`, a 400 when too deeply nested or not JSON. */
function parseJsonBytes(bytes: Buffer, limit: number): unknown {
  if (bytes.length > limit) throw tooLarge(limit);
  if (jsonNestsDeeperThan(bytes)) throw new RequestError('bad_request', `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new RequestError('bad_request', `the body is not valid JSON: ${(error as Error).message}`);
  }
}

function tooLarge(limit: number): RequestError {
  return new RequestError('payload_too_large', `the body exceeds the ${Math.round(limit / 1024)} KiB limit`);
}
