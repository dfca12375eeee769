import { connect } from 'node:net';
import { encodeFrame, FrameDecoder, FrameKind, REPLICA_TOKEN_HEADER, requestHead } from '@slipway/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestHandler } from '../exchange';
import { createFramedListener, type FramedListener } from './framed-listener';
import { createHttpListener } from './http-listener';
import { listen } from './listen';
import { replicaTokenMatcher } from './replica-token';

const TOKEN = 'replica-token-0123456789';
const LIMIT = 1024;

/** A handler that knows no protocol: it answers with what the transport decoded, body included (or the reader's refusal). */
const echo: RequestHandler = async ({ method, path, authorized, readBody }, reply) => {
  const body = await readBody().then(
    (value) => ({ value }),
    (error: Error & { status?: number }) => ({ refused: error.status }),
  );
  reply({ status: 200, contentType: 'application/json', payload: JSON.stringify({ method, path, authorized, body }) });
};

/** One request over the framed transport, on a fresh connection that says hello with `token`. */
function framedRequest(port: number, token: string, method: string, path: string, body: string): Promise<{ status: number; answer: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const decoder = new FrameDecoder(1024 * 1024);
    socket.on('data', (chunk) =>
      decoder.push(chunk, (frame) => {
        resolve({ status: frame.status, answer: JSON.parse(frame.body.toString('utf8')) });
        socket.end();
      }),
    );
    socket.once('error', reject);
    socket.write(Buffer.concat([encodeFrame(FrameKind.hello, 0, 0, token), encodeFrame(FrameKind.request, 7, 0, requestHead(method, path), body)]));
  });
}

describe('the runtime transports', () => {
  const options = { handle: echo, tokenMatches: replicaTokenMatcher(TOKEN), maxBodyBytes: LIMIT };
  const http = createHttpListener(options);
  let framed: FramedListener;
  let httpPort: number;
  let framedPort: number;

  beforeAll(async () => {
    framed = createFramedListener(options);
    [httpPort, framedPort] = await Promise.all([listen(http, 0, '127.0.0.1'), listen(framed.server, 0, '127.0.0.1')]);
  });
  afterAll(async () => {
    http.closeAllConnections();
    framed.closeAll();
    await Promise.all([new Promise((r) => http.close(r)), new Promise((r) => framed.server.close(r))]);
  });

  it('hand the protocol layer the same decoded request, whichever wire it came on', async () => {
    const overHttp = await fetch(`http://127.0.0.1:${httpPort}/v2/models/m/infer?trace=1`, {
      method: 'POST',
      headers: { [REPLICA_TOKEN_HEADER]: TOKEN, 'content-type': 'application/json' },
      body: '{"a":[1,2]}',
    });
    const overFrames = await framedRequest(framedPort, TOKEN, 'POST', '/v2/models/m/infer', '{"a":[1,2]}');
    const expected = { method: 'POST', path: '/v2/models/m/infer', authorized: true, body: { value: { a: [1, 2] } } };
    expect(await overHttp.json()).toEqual(expected);
    expect(overFrames).toEqual({ status: 200, answer: expected });
  });

  it('mark a request without the replica token unauthorized, and leave refusing it to the protocol layer', async () => {
    const overHttp = await fetch(`http://127.0.0.1:${httpPort}/predict`, { headers: { [REPLICA_TOKEN_HEADER]: 'wrong-token-0123456789ab' } });
    expect(await overHttp.json()).toMatchObject({ method: 'GET', path: '/predict', authorized: false });
    const overFrames = await framedRequest(framedPort, 'wrong-token-0123456789ab', 'GET', '/predict', '');
    expect(overFrames.answer).toMatchObject({ path: '/predict', authorized: false });
  });

  it('refuse a body over the limit with a 413 from the body reader on both wires', async () => {
    const big = JSON.stringify({ a: 'x'.repeat(LIMIT) });
    const overHttp = await fetch(`http://127.0.0.1:${httpPort}/predict`, { method: 'POST', headers: { [REPLICA_TOKEN_HEADER]: TOKEN }, body: big });
    expect((await overHttp.json()).body).toEqual({ refused: 413 });
    const overFrames = await framedRequest(framedPort, TOKEN, 'POST', '/predict', big);
    expect((overFrames.answer as { body: unknown }).body).toEqual({ refused: 413 });
  });
});
