import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import { REPLICA_TOKEN_HEADER } from '@slipway/core';
import type { RequestHandler } from '../exchange';
import { readJsonBody } from './body-reader';
import type { TokenMatcher } from './replica-token';

/** Plain HTTP, for everyone (health probes, direct callers with the token): each request decoded and handed to `handle`. */
export function createHttpListener(options: { handle: RequestHandler; tokenMatches: TokenMatcher; maxBodyBytes: number }): Server {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const presented = req.headers[REPLICA_TOKEN_HEADER];
    const authorized = options.tokenMatches(typeof presented === 'string' ? presented : undefined);
    if (!authorized) req.resume();
    const request = {
      method: req.method ?? 'GET',
      path: query === -1 ? url : url.slice(0, query),
      authorized,
      readBody: () => readJsonBody(req, options.maxBodyBytes),
    };
    void options.handle(request, (answer) => {
      if (res.destroyed) return;
      const headers: OutgoingHttpHeaders = { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.payload) };
      if (answer.status === 413) headers.connection = 'close';
      res.writeHead(answer.status, headers).end(answer.payload);
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}
