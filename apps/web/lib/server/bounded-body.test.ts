import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBoundedText } from './bounded-body';

/** A body delivered in chunks with no Content-Length, as a chunked upload arrives; counts what was pulled. */
function chunkedRequest(chunks: number, chunkBytes: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x61));
    },
  });
  const req = new Request('http://localhost/api', { method: 'POST', body, duplex: 'half' } as RequestInit);
  return { req, pulled: () => pulled };
}

describe('bounded request bodies', () => {
  it('reads a body within the limit as text', async () => {
    const req = new Request('http://localhost/api', { method: 'POST', body: JSON.stringify({ name: 'é' }) });
    expect(await readBoundedText(req, 1024)).toBe('{"name":"é"}');
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    const req = new Request('http://localhost/api', { method: 'POST', body: 'x'.repeat(2048), headers: { 'content-length': '2048' } });
    await expect(readBoundedText(req, 1024)).rejects.toThrow(BodyTooLargeError);
    expect(req.bodyUsed).toBe(false);
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const { req, pulled } = chunkedRequest(1000, 64 * 1024);
    await expect(readBoundedText(req, 1024 * 1024)).rejects.toThrow('larger than 1 MiB');
    // 17 chunks of 64 KiB pass 1 MiB; the other 983 are never pulled.
    expect(pulled()).toBeLessThan(20);
  });

  it('accepts a body of exactly the limit', async () => {
    const { req } = chunkedRequest(4, 256);
    expect((await readBoundedText(req, 1024)).length).toBe(1024);
  });
});
