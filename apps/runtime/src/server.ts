import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
  /** Sees every answered request's inputs and outputs (drift monitoring). */
  drift?: { observe(feeds: Feeds, outputs: Outputs): void };
}

type Protocol = ErrorProtocol | 'ops';

const SERVER_METADATA = { name: 'slipway-runtime', version: '0.1.0', extensions: [] as string[] };
const OIP_MODEL = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;
const V1_MODEL = /^\/v1\/models\/([^/:]+)(:predict)?$/;

/** The data-plane HTTP server of one replica: Open Inference Protocol, KServe V1 and `/predict`. */
export function createRuntimeServer(options: RuntimeServerOptions): { server: Server; drain(timeoutMs: number): Promise<void> } {
  const { model, inferencer, metrics } = options;
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;

  const send = (res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void => {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  };

  const sendError = (res: ServerResponse, protocol: Protocol, error: RequestError): void => {
    // OIP and KServe V1 clients expect `{"error": "…"}`; Slipway's own shape carries a stable code.
    const { status, body } = renderError(protocol === 'ops' ? 'slipway' : protocol, error.code, error.message);
    if (status === 413) res.setHeader('connection', 'close');
    send(res, status, body);
  };

  const token = options.token === undefined ? undefined : Buffer.from(options.token);
  const authorized = (req: IncomingMessage, path: string): boolean => {
    if (!token || REPLICA_OPEN_PATHS.includes(path)) return true;
    const presented = req.headers[REPLICA_TOKEN_HEADER];
    if (typeof presented !== 'string') return false;
    const bytes = Buffer.from(presented);
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

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (!authorized(req, path)) {
      req.resume();
      throw new RequestError('unauthorized', 'this replica answers only its gateway: call the deployment through the gateway');
    }
    if (method === 'GET') {
      if (path === '/v2/health/live') return send(res, 200, { live: true });
      if (path === '/v2/health/ready') return send(res, draining ? 503 : 200, { ready: !draining });
      if (path === '/v2' || path === '/v2/') return send(res, 200, SERVER_METADATA);
      if (path === '/metrics') return send(res, 200, metrics.render(model.name, inferencer.queueDepth(), inFlight), 'text/plain; version=0.0.4');
    }
    let m = OIP_MODEL.exec(path);
    if (m) {
      const [, name, version, action] = m;
      if (!matchesModel(name!, version)) throw notFound(`model '${decoded(name!)}'${version ? ` version ${decoded(version)}` : ''}`);
      if (method === 'GET' && action === undefined) return send(res, 200, oipModelMetadata(model, model.signature));
      if (method === 'GET' && action === '/ready') return send(res, 200, { name: model.name, ready: !draining });
      if (method === 'POST' && action === '/infer') {
        const request = parseOipInferRequest(model.signature, await readJson(req, options.maxBodyBytes));
        const outputs = await infer(request.feeds);
        return send(res, 200, oipInferResponse(model, request, outputs));
      }
    }
    m = V1_MODEL.exec(path);
    if (m) {
      const [, name, predict] = m;
      if (!matchesModel(name!, undefined)) throw notFound(`model '${decoded(name!)}'`);
      if (method === 'GET' && !predict) return send(res, 200, { name: model.name, ready: !draining });
      if (method === 'POST' && predict) {
        const feeds = parseV1Request(model.signature, await readJson(req, options.maxBodyBytes));
        return send(res, 200, v1Response(await infer(feeds)));
      }
    }
    if (path === '/predict' && method === 'POST') {
      const feeds = parsePredictRequest(model.signature, await readJson(req, options.maxBodyBytes), model.featureNames);
      const outputs = await infer(feeds);
      return send(res, 200, { model: model.name, version: model.version, outputs: nestedOutputs(outputs) });
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

  const server = createServer((req, res) => {
    const started = performance.now();
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const protocol: Protocol = path.startsWith('/v2/models') ? 'oip' : path.startsWith('/v1/') ? 'kserve-v1' : path === '/predict' ? 'slipway' : 'ops';
    inFlight++;
    route(req, res, path)
      .catch((error: unknown) => {
        const requestError =
          error instanceof RequestError
            ? error
            : error instanceof InvalidInputError
              ? new RequestError('invalid_input', error.message)
              : new RequestError('internal', 'internal error');
        if (requestError.status === 500) console.error(error);
        if (!res.headersSent) sendError(res, protocol, requestError);
        else res.destroy();
      })
      .finally(() => {
        inFlight--;
        if (protocol !== 'ops') metrics.record(protocol, res.statusCode, performance.now() - started);
        if (draining && inFlight === 0) drained?.();
      });
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    /** Stop accepting, let in-flight requests finish (up to `timeoutMs`), then close idle connections. */
    drain(timeoutMs) {
      draining = true;
      server.close();
      server.closeIdleConnections();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        drained = () => {
          clearTimeout(timer);
          resolve();
        };
        if (inFlight === 0) drained();
      }).then(() => server.closeAllConnections());
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
      const bytes = Buffer.concat(chunks, size);
      if (jsonNestsDeeperThan(bytes)) return reject(new RequestError('bad_request', `the body nests deeper than ${MAX_JSON_DEPTH} levels`));
      try {
        resolve(JSON.parse(bytes.toString('utf8')));
      } catch (error) {
        reject(new RequestError('bad_request', `the body is not valid JSON: ${(error as Error).message}`));
      }
    });
  });
}

function tooLarge(limit: number): RequestError {
  return new RequestError('payload_too_large', `the body exceeds the ${Math.round(limit / 1024)} KiB limit`);
}
