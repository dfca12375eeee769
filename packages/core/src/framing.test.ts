import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, type Frame, FrameDecoder, FrameKind, FramingError, parseRequestHead, requestHead } from './framing';

const kinds = fc.constantFrom(FrameKind.hello, FrameKind.request, FrameKind.response);
const frameArb = fc.record({
  kind: kinds,
  id: fc.nat({ max: 0xffffffff }),
  status: fc.nat({ max: 0xffff }),
  head: fc.string({ maxLength: 80 }),
  body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
});

/** Cuts `bytes` at the given offsets (sorted, deduplicated), as a TCP stream may. */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    pieces.push(bytes.subarray(from, p));
    from = p;
  }
  return pieces;
}

function decodeAll(decoder: FrameDecoder, pieces: Buffer[]): Frame[] {
  const frames: Frame[] = [];
  for (const piece of pieces) decoder.push(piece, (f) => frames.push({ ...f, body: Buffer.from(f.body) }));
  return frames;
}

describe('framing codec', () => {
  it('gives back every frame, in order, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (frames, offsets) => {
        const stream = Buffer.concat(frames.map((f) => encodeFrame(f.kind, f.id, f.status, f.head, f.body)));
        const decoder = new FrameDecoder(1024 * 1024);
        expect(decodeAll(decoder, cut(stream, offsets))).toEqual(frames);
        expect(decoder.buffered).toBe(0);
      }),
    );
  });

  it('emits nothing for a truncated frame and keeps its bytes until the rest arrives', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), (f, at) => {
        const bytes = encodeFrame(f.kind, f.id, f.status, f.head, f.body);
        const split = at % bytes.length;
        const decoder = new FrameDecoder(1024 * 1024);
        expect(decodeAll(decoder, [bytes.subarray(0, split)])).toEqual([]);
        expect(decoder.buffered).toBe(split);
        expect(decodeAll(decoder, [bytes.subarray(split)])).toEqual([f]);
      }),
    );
  });

  it('refuses a length beyond the limit before buffering it, a length shorter than the header and an unknown kind', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1025, max: 0xffffffff }), (length) => {
        const prefix = Buffer.alloc(4);
        prefix.writeUInt32BE(length);
        expect(() => new FrameDecoder(1024).push(prefix, () => undefined)).toThrow(FramingError);
      }),
    );
    const short = Buffer.from([0, 0, 0, 3, 1, 2, 3]);
    expect(() => new FrameDecoder(1024).push(short, () => undefined)).toThrow(/shorter than its header/);
    const unknown = encodeFrame(FrameKind.request, 1, 0, 'POST /predict');
    unknown.writeUInt8(9, 4);
    expect(() => new FrameDecoder(1024).push(unknown, () => undefined)).toThrow(/unknown frame kind 9/);
    const headTooLong = encodeFrame(FrameKind.request, 1, 0, 'POST /predict');
    headTooLong.writeUInt16BE(500, 11);
    expect(() => new FrameDecoder(1024).push(headTooLong, () => undefined)).toThrow(/runs past its frame/);
  });

  it('never throws anything but a FramingError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }), (chunks) => {
        const decoder = new FrameDecoder(4096);
        try {
          for (const chunk of chunks) decoder.push(Buffer.from(chunk), () => undefined);
        } catch (error) {
          expect(error).toBeInstanceOf(FramingError);
        }
      }),
    );
  });

  it('encodes a string body like its UTF-8 bytes, and splits a request head at the first space', () => {
    expect(encodeFrame(FrameKind.response, 7, 200, 'application/json', '{"é":1}')).toEqual(
      encodeFrame(FrameKind.response, 7, 200, 'application/json', Buffer.from('{"é":1}')),
    );
    expect(parseRequestHead(requestHead('POST', '/v2/models/a b/infer'))).toEqual({ method: 'POST', path: '/v2/models/a b/infer' });
    expect(parseRequestHead('nospace')).toBeUndefined();
  });
});
