// The floor for a Node.js proxy hop: a bare node:http reverse proxy with keep-alive, no auth, routing,
// metrics or retries; it sends the replica's token as the gateway does.
// Run as its own process: `node --import tsx bench/lib/bare-proxy.ts <upstream> [<replica token>]`.
import { Agent, createServer, request } from 'node:http';
import { listeningLine, REPLICA_TOKEN_HEADER } from '@slipway/core';

const upstream = new URL(process.argv[2]!);
const token = process.argv[3] ? { [REPLICA_TOKEN_HEADER]: process.argv[3] } : {};
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length, ...token },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json', 'content-length': answer.headers['content-length'] ?? '' });
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.writeHead(502).end());
    forwarded.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(listeningLine({ port: typeof address === 'object' && address ? address.port : 0 }));
});
process.on('SIGTERM', () => process.exit(0));
