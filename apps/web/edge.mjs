// What the web server (server.mjs) decides about a request before Next.js sees it. Plain JavaScript:
// the server runs on bare Node (a TypeScript loader would hook every one of Next's own requires).
import { createServer, STATUS_CODES } from 'node:http';

const flags = { '': false, 0: false, false: false, 1: true, true: true };

/** SLIPWAY_TRUST_PROXY as a boolean; throws on a value that is neither on nor off. */
export function trustsProxy(value = '0') {
  if (!Object.hasOwn(flags, value)) throw new Error(`SLIPWAY_TRUST_PROXY must be 1, true, 0, false or empty, not '${value}'`);
  return flags[value];
}

/**
 * The `X-Forwarded-For` handed to Next.js. Without a trusted proxy a client could rotate its own
 * header to escape per-address limits, so the socket's address replaces it. A trusted proxy appended
 * the address it saw, so its header stands; the socket's address is used only when it sent none.
 */
export function forwardedForAtEdge(incoming, socketAddress, trustProxy) {
  const header = Array.isArray(incoming) ? incoming.join(', ') : incoming;
  return trustProxy && header?.trim() ? header : (socketAddress ?? 'unknown');
}

/**
 * The refusals the web server makes before Next.js sees a request, in the API's `{"error": {"code", "message"}}`
 * shape. Codes and statuses are the core error catalogue's (a test holds them to it): this file runs on bare Node
 * and cannot import the TypeScript catalogue.
 */
export const EDGE_REFUSALS = {
  bad_request: { status: 400, message: 'the request is malformed' },
  request_timeout: { status: 408, message: 'the request was not received in time' },
  headers_too_large: { status: 431, message: 'the URL or the request headers are too large (16 KB at most)' },
};

/** True when a segment of the path holds a percent-escape that does not decode (`/models/x%E0`, `/%zz`). */
export function hasMalformedEscape(url = '/') {
  const pathname = url.split('?', 1)[0] ?? '';
  for (const segment of pathname.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      return true;
    }
  }
  return false;
}

/** Status, headers and body of a refusal. */
export function edgeRefusal(code, message = EDGE_REFUSALS[code].message) {
  const body = JSON.stringify({ error: { code, message } });
  return { status: EDGE_REFUSALS[code].status, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }, body };
}

/** What Node's HTTP parser refused (`clientError`): a URL or headers past 16 KB (431), a timeout (408), anything else (400). */
export function clientErrorCode(error) {
  if (error?.code === 'HPE_HEADER_OVERFLOW') return 'headers_too_large';
  if (error?.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout';
  return 'bad_request';
}

/**
 * The web process's HTTP server: refuses malformed paths and what the HTTP parser cannot read in the error format,
 * sets the client address the login throttle counts, and hands everything else to `handle` (Next.js).
 */
export function createEdgeServer(handle, { trustProxy }) {
  const server = createServer((req, res) => {
    if (hasMalformedEscape(req.url)) {
      const refusal = edgeRefusal('bad_request', 'the path holds a malformed percent-escape (each % must start a UTF-8 byte in hex, e.g. %20)');
      res.writeHead(refusal.status, refusal.headers).end(refusal.body);
      return;
    }
    req.headers['x-forwarded-for'] = forwardedForAtEdge(req.headers['x-forwarded-for'], req.socket.remoteAddress, trustProxy);
    void handle(req, res);
  });
  server.on('clientError', (error, socket) => {
    // A connection already answering, or already gone, cannot be told anything.
    if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage) {
      socket.destroy();
      return;
    }
    const refusal = edgeRefusal(clientErrorCode(error));
    const headers = Object.entries({ ...refusal.headers, connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.end(`HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n${headers.join('')}\r\n${refusal.body}`);
  });
  return server;
}
