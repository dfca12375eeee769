// The web process: Next.js behind a node:http server that owns the socket, so the client address the
// login throttle counts is the socket's (or a trusted proxy's view), never what the caller claims.
// `node server.mjs` with PORT (3000) and HOST (127.0.0.1) replaces `next start`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEdgeServer, trustsProxy } from './edge.mjs';

// `next start` sets this before loading Next; without it React would run its development build.
process.env.NODE_ENV ??= 'production';
const { default: next } = await import('next');
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '127.0.0.1';
const trustProxy = trustsProxy(process.env.SLIPWAY_TRUST_PROXY);
const app = next({ dir: path.dirname(fileURLToPath(import.meta.url)), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

createEdgeServer(handle, { trustProxy }).listen(port, hostname, () => console.log(`web listening on http://${hostname}:${port}`));
