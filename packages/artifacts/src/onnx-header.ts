import { open } from 'node:fs/promises';
import { ArtifactError } from './errors';
import { archiveKindFromMagic } from './nested-archive';

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** ModelProto field number → wire type (onnx.proto). Exporters write ir_version (tag 0x08) first. */
const MODEL_PROTO_FIELDS = new Map([
  [1, VARINT], // ir_version
  [2, LENGTH_DELIMITED], // producer_name
  [3, LENGTH_DELIMITED], // producer_version
  [4, LENGTH_DELIMITED], // domain
  [5, VARINT], // model_version
  [6, LENGTH_DELIMITED], // doc_string
  [7, LENGTH_DELIMITED], // graph
  [8, LENGTH_DELIMITED], // opset_import
  [14, LENGTH_DELIMITED], // metadata_props
  [20, LENGTH_DELIMITED], // training_info
  [25, LENGTH_DELIMITED], // functions
]);

/** The field number and wire type of the protobuf tag at the start of `head`, or null if it isn't a short varint. */
function leadingTag(head: Uint8Array): { field: number; wireType: number } | null {
  let value = 0;
  for (const [i, byte] of head.subarray(0, 3).entries()) {
    value |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) return { field: value >>> 3, wireType: value & 7 };
  }
  return null;
}

function describeHead(head: Uint8Array): string {
  const archive = archiveKindFromMagic(head);
  if (archive) return `it is a ${archive} archive`;
  const text = Buffer.from(head).toString('latin1');
  if (/^[\t\n\r\x20-\x7e]+$/.test(text)) return `it starts with the text "${text.replace(/\s+/g, ' ').trim().slice(0, 40)}"`;
  return `it starts with bytes ${Buffer.from(head.subarray(0, 8)).toString('hex')}`;
}

/**
 * A cheap sanity check that `absolutePath` is a serialised ONNX ModelProto: its first protobuf tag must be a
 * ModelProto field with the right wire type. It cannot prove the model is valid; it rejects text, HTML and archives.
 */
export async function assertLooksLikeOnnx(absolutePath: string, displayPath: string): Promise<void> {
  const file = await open(absolutePath, 'r');
  let head: Uint8Array;
  try {
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  if (head.length === 0) throw new ArtifactError('not_onnx', `The model file '${displayPath}' is empty.`);
  const tag = leadingTag(head);
  if (tag && MODEL_PROTO_FIELDS.get(tag.field) === tag.wireType) return;
  throw new ArtifactError('not_onnx', `The model file '${displayPath}' is not an ONNX model: ${describeHead(head)}.`);
}
