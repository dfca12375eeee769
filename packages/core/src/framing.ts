/**
 * The framed transport between a gateway and its replicas: one persistent TCP connection carries many
 * requests, each a length-prefixed frame tagged with an id, so a request costs one write and one read on
 * each side with no HTTP machinery. Bodies are raw bytes (the gateway parses no tensors).
 *
 * Frame: u32 length of what follows | u8 kind | u32 id | u16 status | u16 head length | head (UTF-8) | body.
 * - hello (first on a connection): head = the replica token (empty without one).
 * - request: head = "<METHOD> <path>", body = the request body.
 * - response: status = HTTP status, head = content type, body = the answer.
 */

export const FrameKind = { hello: 1, request: 2, response: 3 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export interface Frame {
  kind: FrameKind;
  id: number;
  status: number;
  head: string;
  body: Buffer;
}

/** Bytes before the head: kind, id, status and head length, after the u32 length itself. */
const FIXED_BYTES = 1 + 4 + 2 + 2;
const PREFIX_BYTES = 4;
const MAX_HEAD_BYTES = 0xffff;

/** A peer sent bytes that are not a valid frame: the connection cannot be trusted any more and must close. */
export class FramingError extends Error {}

export function encodeFrame(kind: FrameKind, id: number, status: number, head: string, body?: Buffer | string): Buffer {
  const headBytes = Buffer.byteLength(head);
  if (headBytes > MAX_HEAD_BYTES) throw new FramingError(`frame head of ${headBytes} bytes exceeds ${MAX_HEAD_BYTES}`);
  const bodyBytes = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const frame = Buffer.allocUnsafe(PREFIX_BYTES + FIXED_BYTES + headBytes + bodyBytes);
  frame.writeUInt32BE(FIXED_BYTES + headBytes + bodyBytes, 0);
  frame.writeUInt8(kind, 4);
  frame.writeUInt32BE(id >>> 0, 5);
  frame.writeUInt16BE(status, 9);
  frame.writeUInt16BE(headBytes, 11);
  frame.write(head, 13, 'utf8');
  if (typeof body === 'string') frame.write(body, 13 + headBytes, 'utf8');
  else body?.copy(frame, 13 + headBytes);
  return frame;
}

/**
 * Reassembles frames from a byte stream cut anywhere. Throws FramingError for a length beyond
 * `maxFrameBytes` (before buffering it), an unknown kind or a head longer than its frame.
 */
export class FrameDecoder {
  private pending: Buffer | undefined;

  constructor(private readonly maxFrameBytes: number) {}

  /** Buffered bytes of a frame not yet complete. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  /** Calls `onFrame` for every frame completed by `chunk`, in order. */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let offset = 0;
    while (data.length - offset >= PREFIX_BYTES) {
      const length = data.readUInt32BE(offset);
      if (length > this.maxFrameBytes) throw new FramingError(`frame of ${length} bytes exceeds the ${this.maxFrameBytes}-byte limit`);
      if (length < FIXED_BYTES) throw new FramingError(`frame of ${length} bytes is shorter than its header`);
      const end = offset + PREFIX_BYTES + length;
      if (data.length < end) break;
      const kind = data.readUInt8(offset + 4);
      if (kind !== FrameKind.hello && kind !== FrameKind.request && kind !== FrameKind.response) {
        throw new FramingError(`unknown frame kind ${kind}`);
      }
      const headStart = offset + PREFIX_BYTES + FIXED_BYTES;
      const headEnd = headStart + data.readUInt16BE(offset + 11);
      if (headEnd > end) throw new FramingError('frame head runs past its frame');
      onFrame({
        kind,
        id: data.readUInt32BE(offset + 5),
        status: data.readUInt16BE(offset + 9),
        head: data.toString('utf8', headStart, headEnd),
        body: data.subarray(headEnd, end),
      });
      offset = end;
    }
    if (offset < data.length) {
      // Keep only the incomplete tail; copy it so a large chunk is not kept alive by a small remainder.
      data = data.subarray(offset);
      this.pending = offset === 0 ? data : Buffer.from(data);
    }
  }
}

/** A request's head: method and path, split once. */
export function requestHead(method: string, path: string): string {
  return `${method} ${path}`;
}

export function parseRequestHead(head: string): { method: string; path: string } | undefined {
  const space = head.indexOf(' ');
  if (space <= 0) return undefined;
  return { method: head.slice(0, space), path: head.slice(space + 1) };
}
