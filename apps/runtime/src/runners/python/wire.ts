import { type DType, type TensorData, TYPED_ARRAYS } from '@slipway/core';

/*
 * The wire between a replica and its Python process (`packages/environments/python/slipway_runner.py` mirrors this module).
 *
 * Two pipes, the process's fd 3 (replica -> Python) and fd 4 (Python -> replica), so that whatever the user's code
 * prints on stdout or stderr is only ever a log line. Each pipe carries frames:
 *
 *   u32 LE  header length H
 *   u32 LE  body length B
 *   H bytes header: UTF-8 JSON, a `WireHeader`
 *   B bytes body: the tensors' raw data, each at its `offset` (a multiple of 8) for `length` bytes
 *
 * A tensor's data is little-endian and row-major, as numpy.frombuffer reads it: bool as one byte 0/1, float16 as
 * its raw half bits, int64/uint64 as 8 bytes. A `string` tensor is, per element, a u32 LE byte length and the
 * element's UTF-8 bytes. No tensor value ever travels in the JSON header.
 *
 * The conversation: the replica sends `load` (no tensors); Python answers `ready` or `failed`. Then, per batch, the
 * replica sends `predict` with an id and the inputs; Python answers `result` (the outputs) or `error`, with that id,
 * in order. Closing the replica's end (EOF on fd 3) ends the process.
 */

/** Where a tensor's bytes are in the frame's body. */
export interface WireTensor {
  name: string;
  dtype: DType;
  shape: number[];
  offset: number;
  length: number;
}

/** What the replica asks. */
export type WireRequest =
  | { type: 'load'; model_dir: string; predictor: string; outputs: { name: string; dtype: DType }[] }
  | { type: 'predict'; id: number; tensors: WireTensor[] };

/** What Python answers. `error_type` and `message` are the exception's; its traceback goes to stderr only. */
export type WireReply =
  | { type: 'ready'; python: string }
  | { type: 'failed'; error_type: string; message: string }
  | { type: 'result'; id: number; tensors: WireTensor[] }
  | { type: 'error'; id: number; error_type: string; message: string };

/** One decoded frame: the header and, per tensor, its data. */
export interface Frame<H> {
  header: H;
  tensors: { name: string; dtype: DType; shape: number[]; data: TensorData }[];
}

const PREFIX_BYTES = 8;
const ALIGN = 8;

/** Bytes of one tensor's data as the wire carries them. */
function tensorBytes(dtype: DType, data: TensorData): Uint8Array {
  if (dtype === 'string') {
    const parts = (data as string[]).map((s) => Buffer.from(s, 'utf8'));
    const out = Buffer.alloc(parts.reduce((n, p) => n + 4 + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.writeUInt32LE(part.length, at);
      part.copy(out, at + 4);
      at += 4 + part.length;
    }
    return out;
  }
  const view = data as Exclude<TensorData, string[]>;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

const padded = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Encodes a frame: the header (without the tensors' offsets, which are computed here) and the tensors' data. */
export function encodeFrame<H extends object>(header: H, tensors: readonly { name: string; dtype: DType; shape: number[]; data: TensorData }[] = []): Buffer[] {
  const wire: WireTensor[] = [];
  const chunks: Uint8Array[] = [];
  let body = 0;
  for (const tensor of tensors) {
    const bytes = tensorBytes(tensor.dtype, tensor.data);
    wire.push({ name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, offset: body, length: bytes.byteLength });
    chunks.push(bytes);
    const pad = padded(bytes.byteLength) - bytes.byteLength;
    if (pad > 0) chunks.push(new Uint8Array(pad));
    body += bytes.byteLength + pad;
  }
  const json = Buffer.from(JSON.stringify(tensors.length > 0 ? { ...header, tensors: wire } : header), 'utf8');
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix.writeUInt32LE(json.length, 0);
  prefix.writeUInt32LE(body, 4);
  return [prefix, json, ...chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))];
}

/** A tensor's data from its wire bytes (copied, so it owns an aligned buffer of its own). */
export function decodeTensorData(dtype: DType, bytes: Buffer): TensorData {
  if (dtype === 'string') {
    const values: string[] = [];
    for (let at = 0; at < bytes.length; ) {
      const length = bytes.readUInt32LE(at);
      values.push(bytes.toString('utf8', at + 4, at + 4 + length));
      at += 4 + length;
    }
    return values;
  }
  const Typed = TYPED_ARRAYS[dtype];
  if (bytes.length % Typed.BYTES_PER_ELEMENT !== 0) throw new Error(`${bytes.length} bytes are not a whole number of ${dtype} values`);
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return new Typed(copy);
}

/**
 * Splits a byte stream into frames: feed it chunks as they arrive, it calls `onFrame` per whole frame. Chunks are
 * joined only once a whole frame (or prefix) has arrived, so a large tensor costs one copy, not one per chunk.
 */
export class FrameReader<H extends object> {
  private chunks: Buffer[] = [];
  private length = 0;
  /** Bytes needed before the next step: the prefix, then the whole frame it announces. */
  private needed = PREFIX_BYTES;

  constructor(private readonly onFrame: (frame: Frame<H>) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    while (this.length >= this.needed) {
      const buffered = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
      this.chunks = [buffered];
      const headerLength = buffered.readUInt32LE(0);
      const end = PREFIX_BYTES + headerLength + buffered.readUInt32LE(4);
      if (buffered.length < end) {
        this.needed = end;
        return;
      }
      const rest = buffered.subarray(end);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.length = rest.length;
      this.needed = PREFIX_BYTES;
      this.onFrame(decodeFrame<H>(buffered.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength), buffered.subarray(PREFIX_BYTES + headerLength, end)));
    }
  }
}

function decodeFrame<H extends object>(headerBytes: Buffer, body: Buffer): Frame<H> {
  const header = JSON.parse(headerBytes.toString('utf8')) as H;
  const tensors = ((header as { tensors?: WireTensor[] }).tensors ?? []).map((t) => ({
    name: t.name,
    dtype: t.dtype,
    shape: t.shape,
    data: decodeTensorData(t.dtype, body.subarray(t.offset, t.offset + t.length)),
  }));
  return { header, tensors };
}
