import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BodyTooLargeError, declaredLength, readBoundedBody } from './bounded-body';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * A real Node HTTP server reading bodies with the shared reader, as the gateway and the runtime do:
 * the body's length back (200), or the refusal (413, closing the connection when the rest is not dropped).
 */
describe('bounded bodies of Node requests', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      try {
        const body = await readBoundedBody(req, {
          limitBytes: 64 * KiB,
          declaredBytes: declaredLength(req.headers['content-length']),
          linger: { bytes: MiB, ms: 10_000 },
          cancel: () => req.destroy(),
        });
        res.end(String(body.length));
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        res.writeHead(413, error.discardingRest ? {} : { connection: 'close' }).end(error.message);
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Sends `chunks` × `chunkBytes` (chunked unless `contentLength` is given) and reads the whole answer. */
  async function post(chunks: number, chunkBytes: number, contentLength?: number) {
    const req = request({ port, method: 'POST', host: '127.0.0.1', headers: contentLength === undefined ? {} : { 'content-length': contentLength } });
    const answered = once(req, 'response') as Promise<[IncomingMessage]>;
    const sent = (async () => {
      for (let i = 0; i < chunks; i++) if (!req.write(Buffer.alloc(chunkBytes, 0x61))) await once(req, 'drain');
      req.end();
    })().catch(() => undefined);
    const [res] = await answered;
    let text = '';
    for await (const chunk of res) text += chunk;
    await sent;
    return { status: res.statusCode, text, connection: res.headers.connection };
  }

  it('reads a body within the limit whole', async () => {
    expect(await post(4, 16 * KiB)).toMatchObject({ status: 200, text: String(64 * KiB) });
  });

  it('refuses a chunked body past the limit with 413 while the sender still sends, and drops the rest', async () => {
    expect(await post(16, 16 * KiB)).toEqual({ status: 413, text: 'the request body is larger than 64 KB', connection: 'keep-alive' });
  });

  it('refuses a declared length too large to drop before reading any of it, closing the connection', async () => {
    const answer = await post(1, 16 * KiB, 8 * MiB);
    expect([answer.status, answer.connection]).toEqual([413, 'close']);
  });
});

describe('readBoundedBody over any chunks', () => {
  async function* chunks(...sizes: number[]) {
    for (const size of sizes) yield new Uint8Array(size).fill(0x62);
  }

  it('returns the bytes and refuses past the limit, exactly at the limit being fine', async () => {
    expect((await readBoundedBody(chunks(3, 4), { limitBytes: 7 })).toString()).toBe('bbbbbbb');
    await expect(readBoundedBody(chunks(3, 5), { limitBytes: 7 })).rejects.toMatchObject({ discardingRest: true, limitBytes: 7 });
    await expect(readBoundedBody(chunks(), { limitBytes: 7, declaredBytes: 32 * MiB })).rejects.toMatchObject({ discardingRest: false });
  });
});
