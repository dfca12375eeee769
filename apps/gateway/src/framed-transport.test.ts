import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { encodeFrame, type Frame, FrameDecoder, FrameKind, framedAddress } from '@slipway/core';
import { startRuntime, type RunningRuntime } from '@slipway/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionFailedError, FramedTransport } from './framed-client';

const IRIS = fileURLToPath(new URL('../../../models/iris/iris.onnx', import.meta.url));

const inferBody = (id: string, features: number[]) =>
  Buffer.from(JSON.stringify({ id, inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: features }] }));

const featureArb = fc.array(fc.float({ min: 0, max: 10, noNaN: true }), { minLength: 4, maxLength: 4 });

/** Writes raw bytes on a fresh connection, then closes it (or leaves it to the peer). */
function sendRaw(address: string, bytes: Buffer): Promise<void> {
  const { hostname, port } = new URL(address);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(bytes));
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    socket.resume();
  });
}

describe('framed transport against a real replica', () => {
  const token = `token-${randomUUID()}`;
  let runtime: RunningRuntime;
  let transport: FramedTransport;

  beforeAll(async () => {
    runtime = await startRuntime({ modelPath: IRIS, name: 'iris', token });
    transport = new FramedTransport();
  }, 60_000);

  afterAll(async () => {
    transport?.close();
    await runtime?.stop();
  });

  const framed = (path: string, body: Buffer) => transport.send(runtime.framedAddress!, token, 'POST', path, body);

  it('announces its framed listener in the listening line', () => {
    expect(runtime.framedAddress).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers each of many concurrent callers with its own answer, the same as over HTTP', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(featureArb, { minLength: 1, maxLength: 60 }), async (rows) => {
        const ids = rows.map(() => randomUUID());
        const answers = await Promise.all(rows.map((row, i) => framed('/v2/models/iris/infer', inferBody(ids[i]!, row))));
        for (const [i, answer] of answers.entries()) {
          expect(answer.status).toBe(200);
          expect(answer.contentType).toBe('application/json');
          const viaHttp = await fetch(`${runtime.address}/v2/models/iris/infer`, {
            method: 'POST',
            headers: runtime.headers,
            body: inferBody(ids[i]!, rows[i]!),
          });
          expect(JSON.parse(answer.body.toString())).toEqual(await viaHttp.json());
        }
      }),
      { numRuns: 8 },
    );
  });

  it('serves every protocol: OIP metadata, KServe V1 and /predict', async () => {
    const metadata = await transport.send(runtime.framedAddress!, token, 'GET', '/v2/models/iris', Buffer.alloc(0));
    expect(metadata.status).toBe(200);
    expect(JSON.parse(metadata.body.toString())).toMatchObject({ name: 'iris' });
    const v1 = await framed('/v1/models/iris:predict', Buffer.from(JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] })));
    expect(v1.status).toBe(200);
    expect(JSON.parse(v1.body.toString()).predictions).toBeDefined();
    const predict = await framed('/predict', Buffer.from(JSON.stringify({ inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } })));
    expect(JSON.parse(predict.body.toString()).outputs.label).toEqual([0]);
    const invalid = await framed('/predict', Buffer.from('{"inputs":'));
    expect(invalid.status).toBe(400);
  });

  it('answers 401 to a connection without the token or with a wrong one, except the health probes', async () => {
    for (const key of [undefined, `${token}x`]) {
      const other = new FramedTransport();
      try {
        const refused = await other.send(runtime.framedAddress!, key, 'POST', '/predict', Buffer.from('{}'));
        expect(refused.status).toBe(401);
        expect(JSON.parse(refused.body.toString()).error.code).toBe('unauthorized');
        const live = await other.send(runtime.framedAddress!, key, 'GET', '/v2/health/live', Buffer.alloc(0));
        expect(live.status).toBe(200);
      } finally {
        other.close();
      }
    }
  });

  it('survives garbage, truncated frames and oversized lengths, and keeps serving good connections', async () => {
    const good = () => framed('/v2/models/iris/infer', inferBody('still-here', [5.1, 3.5, 1.4, 0.2]));
    const hostile = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)),
      // A valid frame cut short, then the connection closes mid-frame.
      fc.tuple(featureArb, fc.nat()).map(([row, at]) => {
        const frame = encodeFrame(FrameKind.request, 1, 0, 'POST /v2/models/iris/infer', inferBody('cut', row));
        return frame.subarray(0, at % frame.length);
      }),
      // A length far beyond anything the replica accepts.
      fc.integer({ min: 1 << 30, max: 0xffffffff }).map((length) => {
        const prefix = Buffer.alloc(4);
        prefix.writeUInt32BE(length);
        return prefix;
      }),
      // A frame only a replica sends.
      fc.constant(encodeFrame(FrameKind.response, 1, 200, 'application/json', '{}')),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (bytes) => {
        const pending = good();
        await sendRaw(runtime.framedAddress!, bytes);
        expect((await pending).status).toBe(200);
      }),
      { numRuns: 40 },
    );
    expect((await fetch(`${runtime.address}/v2/health/live`)).status).toBe(200);
    expect(runtime.process.exitCode).toBeNull();
  });
});

/**
 * A stand-in replica speaking the framed protocol, for misbehaviour a real runtime never shows on purpose
 * (answering out of order in odd-sized pieces, dying mid-frame): it echoes each request's body.
 */
async function fakeReplica(behave: (socket: Socket, requests: Frame[]) => void): Promise<{ address: string; server: Server }> {
  const server = createServer((socket) => {
    const decoder = new FrameDecoder(1024 * 1024);
    const requests: Frame[] = [];
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk, (frame) => {
        if (frame.kind === FrameKind.request) requests.push({ ...frame, body: Buffer.from(frame.body) });
      });
      behave(socket, requests);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { address: framedAddress('127.0.0.1', typeof address === 'object' && address ? address.port : 0), server };
}

describe('framed transport against a misbehaving peer', () => {
  it('gives every caller its own answer when answers come out of order, cut anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.nat(),
        async (bodies, cuts, seed) => {
          const replica = await fakeReplica((socket, requests) => {
            if (requests.length < bodies.length) return;
            // Reverse-rotate the order, then write the whole reply stream in arbitrary pieces.
            const order = requests.map((_, i) => requests[(seed + requests.length - i) % requests.length]!);
            const stream = Buffer.concat(order.map((r) => encodeFrame(FrameKind.response, r.id, 200, 'text/plain', r.body)));
            const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
            let from = 0;
            for (const p of [...points, stream.length]) {
              socket.write(stream.subarray(from, p));
              from = p;
            }
            requests.length = 0;
          });
          const transport = new FramedTransport();
          try {
            const answers = await Promise.all(bodies.map((b) => transport.send(replica.address, undefined, 'POST', '/echo', Buffer.from(b))));
            expect(answers.map((a) => a.body.toString())).toEqual(bodies);
          } finally {
            transport.close();
            replica.server.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('fails every waiting caller with ConnectionFailedError when the peer dies mid-frame or sends an oversized length, then reconnects', async () => {
    let mode: 'mid-frame' | 'oversized' | 'echo' = 'mid-frame';
    const replica = await fakeReplica((socket, requests) => {
      if (requests.length < 3 && mode !== 'echo') return;
      if (mode === 'mid-frame') {
        const frame = encodeFrame(FrameKind.response, requests[0]!.id, 200, 'text/plain', requests[0]!.body);
        socket.write(frame.subarray(0, frame.length - 2));
        setImmediate(() => socket.destroy());
      } else if (mode === 'oversized') {
        socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
      } else {
        for (const r of requests) socket.write(encodeFrame(FrameKind.response, r.id, 200, 'text/plain', r.body));
      }
      requests.length = 0;
    });
    const transport = new FramedTransport();
    try {
      for (const failing of ['mid-frame', 'oversized'] as const) {
        mode = failing;
        const calls = ['a', 'b', 'c'].map((b) => transport.send(replica.address, undefined, 'POST', '/echo', Buffer.from(b)));
        for (const call of calls) await expect(call).rejects.toBeInstanceOf(ConnectionFailedError);
      }
      mode = 'echo';
      expect((await transport.send(replica.address, undefined, 'POST', '/echo', Buffer.from('back'))).body.toString()).toBe('back');
      // Nobody listening: the caller learns at once, with the error the gateway retries on.
      replica.server.close();
      const gone = framedAddress('127.0.0.1', 1);
      await expect(transport.send(gone, undefined, 'POST', '/echo', Buffer.alloc(0))).rejects.toBeInstanceOf(ConnectionFailedError);
    } finally {
      transport.close();
      replica.server.close();
    }
  });
});
