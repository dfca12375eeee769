/** A request body larger than the limit: answered 413 without keeping any of it. */
export class BodyTooLargeError extends Error {
  constructor(
    readonly limitBytes: number,
    /** The rest is being read and dropped, so the connection stays usable; otherwise it must close. */
    readonly discardingRest: boolean,
  ) {
    super(`the request body is larger than ${formatLimit(limitBytes)}`);
  }
}

/**
 * After a refusal, how much more of the body is read and dropped (a lingering close, as nginx does):
 * a caller still sending then reads the 413, where closing at once could reset its connection
 * mid-write and lose the answer. Past either bound the body is cancelled, which closes the socket.
 */
export const LINGER = { bytes: 16 * 1024 ** 2, ms: 5_000 };

const formatLimit = (bytes: number) => (bytes % 1024 ** 2 === 0 ? `${bytes / 1024 ** 2} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`);

/**
 * Reads a request body as UTF-8 text, counting bytes as they arrive: a declared Content-Length over
 * the limit is refused before reading, and a body that turns out larger (chunked, or lying about its
 * length) is cut off at the limit instead of being buffered whole. Either way the rest is dropped in
 * the background, within LINGER, while the 413 goes out.
 */
export async function readBoundedText(req: Request, limitBytes: number, linger = LINGER): Promise<string> {
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limitBytes) {
    const discardingRest = req.body !== null && declared - limitBytes <= linger.bytes;
    if (discardingRest) void discardRest(req.body.getReader(), linger);
    throw new BodyTooLargeError(limitBytes, discardingRest);
  }
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      void discardRest(reader, linger);
      throw new BodyTooLargeError(limitBytes, true);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads to the end and keeps nothing; cancels past `linger.bytes` or once `linger.ms` has passed. */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, linger: typeof LINGER): Promise<void> {
  const cancel = () => reader.cancel().catch(() => undefined);
  const deadline = setTimeout(cancel, linger.ms);
  deadline.unref?.();
  try {
    let dropped = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      dropped += value.byteLength;
      if (dropped > linger.bytes) return void (await cancel());
    }
  } catch {
    // The caller went away: nothing is left to drop.
  } finally {
    clearTimeout(deadline);
  }
}
