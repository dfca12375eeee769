import { formatBytes } from '@slipway/core';

/**
 * One reader of request bodies for every server (the web's route handlers, the gateway, the runtime): it
 * counts bytes as they arrive, refuses past a limit without keeping the rest, and drops what is still coming
 * for a while (a lingering close) so that the caller reads the 413 instead of a reset connection.
 */

/** A request body larger than the limit: answered 413 without keeping any of it. */
export class BodyTooLargeError extends Error {
  constructor(
    readonly limitBytes: number,
    /** The rest is being read and dropped, so the connection stays usable; otherwise it must close. */
    readonly discardingRest: boolean,
  ) {
    super(`the request body is larger than ${formatBytes(limitBytes)}`);
    this.name = 'BodyTooLargeError';
  }
}

/** After a refusal, how much more of the body is read and dropped, and for how long, before it is cancelled. */
export interface Linger {
  bytes: number;
  ms: number;
}

/**
 * As nginx does: a caller still sending then reads the 413, where closing at once could reset its connection
 * mid-write and lose the answer. Past either bound the body is cancelled, which closes the connection.
 */
export const LINGER: Linger = { bytes: 16 * 1024 ** 2, ms: 5_000 };

export interface BoundedBodyOptions {
  limitBytes: number;
  /** The declared Content-Length, if any: past the limit, the body is refused before any of it is read. */
  declaredBytes?: number | null;
  linger?: Linger;
  /**
   * Stops the body at once (e.g. `() => req.destroy()` for a Node request), where ending the iteration may
   * wait for a chunk that never comes. Without it the iterator's `return()` is called.
   */
  cancel?: () => void;
}

/** A Content-Length header as a byte count; null when absent or not a number. */
export function declaredLength(header: string | string[] | null | undefined): number | null {
  const value = Number(Array.isArray(header) ? header[0] : (header ?? undefined));
  return Number.isFinite(value) && value >= 0 ? value : null;
}

/**
 * Reads a whole body, at most `limitBytes` of it. A declared length over the limit is refused before reading;
 * a body that turns out larger (chunked, or lying about its length) is cut off at the limit instead of being
 * buffered whole. Either way the rest is dropped in the background, within `linger`, while the 413 goes out
 * (`discardingRest` false: too much is declared to drop, so nothing is read and the connection must close).
 *
 * Works over any `AsyncIterable<Uint8Array>`: a Node `IncomingMessage` as is (with `cancel: () => req.destroy()`),
 * a web `ReadableStream` through `webStreamChunks`.
 */
export async function readBoundedBody(chunks: AsyncIterable<Uint8Array>, options: BoundedBodyOptions): Promise<Buffer> {
  const { limitBytes, declaredBytes, linger = LINGER } = options;
  if (declaredBytes != null && declaredBytes > limitBytes) {
    const discardingRest = declaredBytes - limitBytes <= linger.bytes;
    // Too much to drop: nothing is read, and the answer must close the connection (`connection: close`).
    if (discardingRest) void discardRest(chunks[Symbol.asyncIterator](), linger, options.cancel);
    throw new BodyTooLargeError(limitBytes, discardingRest);
  }
  const iterator = chunks[Symbol.asyncIterator]();
  const kept: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await iterator.next();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      void discardRest(iterator, linger, options.cancel);
      throw new BodyTooLargeError(limitBytes, true);
    }
    kept.push(value);
  }
  return kept.length === 1 && Buffer.isBuffer(kept[0]) ? kept[0] : Buffer.concat(kept, total);
}

/** Reads to the end and keeps nothing; cancels past `linger.bytes` or once `linger.ms` has passed. */
async function discardRest(iterator: AsyncIterator<Uint8Array>, linger: Linger, cancelNow: (() => void) | undefined): Promise<void> {
  const cancel = () => {
    cancelNow?.();
    // Not awaited: an async generator's return waits for the chunk it is waiting on.
    iterator.return?.()?.catch(() => undefined);
  };
  const deadline = setTimeout(cancel, linger.ms);
  deadline.unref?.();
  try {
    let dropped = 0;
    for (;;) {
      const { done, value } = await iterator.next();
      if (done) return;
      dropped += value.byteLength;
      if (dropped > linger.bytes) return cancel();
    }
  } catch {
    // The caller went away, or the body was cancelled: nothing is left to drop.
  } finally {
    clearTimeout(deadline);
  }
}

/**
 * A web `ReadableStream` (a fetch `Request`'s body) as chunks whose `return()` cancels the stream at once, even
 * while a read waits (the stream's own iterator would wait for it). Nothing is read or locked before iteration.
 */
export function webStreamChunks(stream: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const reader = stream?.getReader();
      return {
        next: async () => (reader ? ((await reader.read()) as IteratorResult<Uint8Array>) : { done: true, value: undefined }),
        return: async () => {
          await reader?.cancel().catch(() => undefined);
          return { done: true, value: undefined };
        },
      };
    },
  };
}
