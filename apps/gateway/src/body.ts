import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, declaredLength, readBoundedBody } from '@slipway/http';

export { BodyTooLargeError };

/**
 * Collects a request's body (kept for retries and shadows) with the platform's one body reader: past
 * `SLIPWAY_MAX_BODY_BYTES` it is a `BodyTooLargeError` (413), the rest dropped within the reader's linger.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return readBoundedBody(req, { limitBytes: maxBytes, declaredBytes: declaredLength(req.headers['content-length']), cancel: () => req.destroy() });
}

/** The whole of a stream with no limit (a replica's answer the gateway already let through). */
export async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
