import { open, type FileHandle } from 'node:fs/promises';

export interface OnnxMetadata {
  irVersion: number | null;
  producer: string | null;
  opsets: { domain: string; version: number }[];
  /** Distinct operators, as `domain::Op` outside the default domain. */
  operators: string[];
}

/**
 * Reads the ModelProto fields users care about (IR version, producer, opsets, operators) straight
 * from the protobuf, seeking past initializers: memory stays small however large the weights are.
 */
export async function readOnnxMetadata(file: string): Promise<OnnxMetadata> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const reader = new FieldReader(handle);
    const result: OnnxMetadata = { irVersion: null, producer: null, opsets: [], operators: [] };
    const operators = new Set<string>();
    for await (const field of reader.fields(0, size)) {
      if (field.number === 1 && field.wire === 0) result.irVersion = Number(field.value);
      else if (field.number === 2 && field.wire === 2) result.producer = (await reader.bytes(field)).toString('utf8');
      else if (field.number === 8 && field.wire === 2) result.opsets.push(decodeOpset(await reader.bytes(field)));
      else if (field.number === 7 && field.wire === 2) {
        for await (const graphField of reader.fields(field.start, field.end)) {
          if (graphField.number !== 1 || graphField.wire !== 2) continue; // 1 = node; initializers (5) and the rest are passed over
          const node = decodeNode(await reader.bytes(graphField));
          operators.add(node.domain && node.domain !== 'ai.onnx' ? `${node.domain}::${node.opType}` : node.opType);
        }
      }
    }
    result.operators = [...operators].sort();
    return result;
  } finally {
    await handle.close();
  }
}

interface Field {
  number: number;
  wire: number;
  /** Varint value (wire 0); for length-delimited fields, the payload's byte range. */
  value: bigint;
  start: number;
  end: number;
}

class FieldReader {
  private readonly header = Buffer.alloc(20);

  constructor(private readonly handle: FileHandle) {}

  async *fields(from: number, to: number): AsyncGenerator<Field> {
    let offset = from;
    while (offset < to) {
      const { bytesRead } = await this.handle.read(this.header, 0, Math.min(20, to - offset), offset);
      let cursor = 0;
      const varint = (): bigint => {
        let result = 0n;
        for (let shift = 0n; cursor < bytesRead; shift += 7n) {
          const byte = this.header[cursor++]!;
          result |= BigInt(byte & 0x7f) << shift;
          if ((byte & 0x80) === 0) return result;
        }
        throw new Error('truncated protobuf varint');
      };
      const tag = Number(varint());
      const field = { number: tag >>> 3, wire: tag & 7, value: 0n, start: 0, end: 0 };
      if (field.wire === 0) {
        field.value = varint();
        offset += cursor;
      } else if (field.wire === 2) {
        const length = Number(varint());
        field.start = offset + cursor;
        field.end = field.start + length;
        offset = field.end;
      } else if (field.wire === 1) offset += cursor + 8;
      else if (field.wire === 5) offset += cursor + 4;
      else throw new Error(`unsupported protobuf wire type ${field.wire}`);
      yield field;
    }
  }

  async bytes(field: Field): Promise<Buffer> {
    const buffer = Buffer.alloc(field.end - field.start);
    await this.handle.read(buffer, 0, buffer.length, field.start);
    return buffer;
  }
}

/** Length-delimited and varint fields of a small in-memory message. */
function* messageFields(buffer: Buffer): Generator<{ number: number; wire: number; value: bigint; bytes: Buffer }> {
  let cursor = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buffer[cursor++];
      if (byte === undefined) throw new Error('truncated protobuf varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (cursor < buffer.length) {
    const tag = Number(varint());
    const number = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) yield { number, wire, value: varint(), bytes: Buffer.alloc(0) };
    else if (wire === 2) {
      const length = Number(varint());
      yield { number, wire, value: 0n, bytes: buffer.subarray(cursor, cursor + length) };
      cursor += length;
    } else if (wire === 1) cursor += 8;
    else if (wire === 5) cursor += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

function decodeOpset(buffer: Buffer): { domain: string; version: number } {
  const opset = { domain: '', version: 0 };
  for (const f of messageFields(buffer)) {
    if (f.number === 1 && f.wire === 2) opset.domain = f.bytes.toString('utf8');
    if (f.number === 2 && f.wire === 0) opset.version = Number(f.value);
  }
  return opset;
}

function decodeNode(buffer: Buffer): { opType: string; domain: string } {
  const node = { opType: '', domain: '' };
  for (const f of messageFields(buffer)) {
    if (f.number === 4 && f.wire === 2) node.opType = f.bytes.toString('utf8');
    if (f.number === 7 && f.wire === 2) node.domain = f.bytes.toString('utf8');
  }
  return node;
}
