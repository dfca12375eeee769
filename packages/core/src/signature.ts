import { z } from 'zod';

/** Tensor element types onnxruntime-node can feed and fetch, by their onnxruntime names. */
export const DTYPES = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float16', 'float32', 'float64', 'string'] as const;
export type DType = (typeof DTYPES)[number];

export const tensorSpecSchema = z.object({
  name: z.string(),
  dtype: z.enum(DTYPES),
  /** null marks a dynamic dimension (usually the batch). */
  shape: z.array(z.number().int().nonnegative().nullable()),
});
export type TensorSpec = z.infer<typeof tensorSpecSchema>;

export const modelSignatureSchema = z.object({
  inputs: z.array(tensorSpecSchema),
  outputs: z.array(tensorSpecSchema),
});
export type ModelSignature = z.infer<typeof modelSignatureSchema>;

/** What onnxruntime-node reports per input/output (`session.inputMetadata`). */
export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: ReadonlyArray<number | string>;
}

export class UnsupportedSignatureError extends Error {}

function specFromMetadata(meta: OrtValueMetadata): TensorSpec {
  const dtype = DTYPES.find((d) => d === meta.type);
  if (!meta.isTensor || !dtype) {
    throw new UnsupportedSignatureError(`'${meta.name}' is a ${meta.isTensor ? `${meta.type} tensor` : 'non-tensor value'}, which Slipway cannot serve`);
  }
  // Symbolic dimensions arrive as strings, unknown ones as -1 or 0-less placeholders.
  const shape = (meta.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : null));
  return { name: meta.name, dtype, shape };
}

export function signatureFromOrtMetadata(inputs: readonly OrtValueMetadata[], outputs: readonly OrtValueMetadata[]): ModelSignature {
  return { inputs: inputs.map(specFromMetadata), outputs: outputs.map(specFromMetadata) };
}

/** Open Inference Protocol datatype names. */
const OIP_BY_DTYPE: Record<DType, string> = {
  bool: 'BOOL',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};
const DTYPE_BY_OIP = new Map(Object.entries(OIP_BY_DTYPE).map(([dtype, oip]) => [oip, dtype as DType]));

export function toOipDatatype(dtype: DType): string {
  return OIP_BY_DTYPE[dtype];
}

export function fromOipDatatype(datatype: string): DType | undefined {
  return DTYPE_BY_OIP.get(datatype);
}

/** `[-1, 4]`-style rendering for messages, -1 for a dynamic dimension (as OIP metadata does). */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? -1 : d)).join(', ')}]`;
}

/** True when every input's first dimension is dynamic, so requests can be stacked into one batch. */
export function hasDynamicBatch(signature: ModelSignature): boolean {
  return (
    signature.inputs.length > 0 &&
    signature.inputs.every((i) => i.shape.length > 0 && i.shape[0] === null) &&
    signature.outputs.every((o) => o.shape.length > 0 && o.shape[0] === null)
  );
}

/** onnxruntime's messages open with C++ source locations; users need the clause after them, on one line. */
export function conciseOrtMessage(error: unknown, maxLength = 500): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/^\[[^\]]*\]\s*/, '')
    .replace(/\s+/g, ' ')
    .slice(0, maxLength);
}
