import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBoundedText } from './bounded-body';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * A body delivered in chunks with no Content-Length, as a chunked upload arrives; counts what was
 * pulled, and settles `ended` with how the stream ended: read to its close, or cancelled. With
 * `stallAfter`, the sender goes quiet after that many chunks.
 */
function chunkedRequest(chunks: number, chunkBytes: number, stallAfter = Number.POSITIVE_INFINITY) {
  let pulled = 0;
  let end: (how: 'closed' | 'cancelled') => void = () => undefined;
  const ended = new Promise<'closed' | 'cancelled'>((resolve) => {
    end = resolve;
  });
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled === stallAfter) return new Promise<void>(() => undefined);
        if (pulled === chunks) {
          controller.close();
          return end('closed');
        }
        pulled++;
        controller.enqueue(new Uint8Array(chunkBytes).fill(0x61));
      },
      cancel: () => end('cancelled'),
    },
    // Nothing is pulled before it is read.
    { highWaterMark: 0 },
  );
  const req = new Request('http://localhost/api', { method: 'POST', body, duplex: 'half' } as RequestInit);
  return { req, pulled: () => pulled, ended };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the body was accepted'),
    (error: unknown) => error as BodyTooLargeError,
  );

describe('bounded request bodies', () => {
  it('reads a body within the limit as text', async () => {
    const req = new Request('http://localhost/api', { method: 'POST', body: JSON.stringify({ name: 'é' }) });
    expect(await readBoundedText(req, 1024)).toBe('{"name":"é"}');
  });

  it('accepts a body of exactly the limit', async () => {
    const { req } = chunkedRequest(4, 256);
    expect((await readBoundedText(req, 1024)).length).toBe(1024);
  });

  it('refuses a declared Content-Length over the limit before reading, then drops the body so the connection stays usable', async () => {
    const { req, pulled, ended } = chunkedRequest(32, 64 * KiB);
    req.headers.set('content-length', String(2 * MiB));
    const error = await refusal(readBoundedText(req, MiB, { bytes: 16 * MiB, ms: 60_000 }));
    expect([error instanceof BodyTooLargeError, error.message, error.discardingRest]).toEqual([true, 'the request body is larger than 1.0 MB', true]);
    expect(await ended).toBe('closed');
    expect(pulled()).toBe(32);
  });

  it('leaves a declared body too large to drop unread, for the connection to close', async () => {
    const { req, pulled } = chunkedRequest(32, 64 * KiB);
    req.headers.set('content-length', String(2 * MiB));
    const error = await refusal(readBoundedText(req, 512 * KiB, { bytes: MiB, ms: 60_000 }));
    expect(error.discardingRest).toBe(false);
    expect([req.bodyUsed, pulled()]).toEqual([false, 0]);
  });

  it('stops keeping a chunked body once it passes the limit and drops the rest of it', async () => {
    const { req, pulled, ended } = chunkedRequest(24, 64 * KiB);
    const error = await refusal(readBoundedText(req, MiB, { bytes: 16 * MiB, ms: 60_000 }));
    expect(error.discardingRest).toBe(true);
    expect(await ended).toBe('closed');
    expect(pulled()).toBe(24);
  });

  it('cancels a chunked body still coming past the bound on what it drops', async () => {
    const { req, pulled, ended } = chunkedRequest(1000, 64 * KiB);
    await refusal(readBoundedText(req, MiB, { bytes: MiB, ms: 60_000 }));
    expect(await ended).toBe('cancelled');
    // 17 chunks of 64 KiB pass the 1 MiB limit and 17 more the 1 MiB dropped; the other 966 are never pulled.
    expect(pulled()).toBe(34);
  });

  it('cancels a body whose sender goes quiet after the refusal, once the linger time is up', async () => {
    const { req, pulled, ended } = chunkedRequest(1000, 64 * KiB, 20);
    await refusal(readBoundedText(req, MiB, { bytes: 16 * MiB, ms: 50 }));
    expect(await ended).toBe('cancelled');
    expect(pulled()).toBe(20);
  });
});
