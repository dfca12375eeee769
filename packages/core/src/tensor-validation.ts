import { formatShape, toOipDatatype, type DType, type ModelSignature, type TensorSpec } from './signature';

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

/** The typed array that holds each numeric datatype's elements (float16 as its raw 16-bit patterns). */
export const TYPED_ARRAYS: Record<
  Exclude<DType, 'string'>,
  { BYTES_PER_ELEMENT: number; new (length: number): Exclude<TensorData, string[]>; new (buffer: ArrayBuffer): Exclude<TensorData, string[]> }
> = {
  bool: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  float16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** A validated input, ready to become an `ort.Tensor` (bool as Uint8Array, float16 as raw half bits). */
export interface TensorValue {
  dtype: DType;
  shape: number[];
  data: TensorData;
}

/** A request input that does not fit the model's signature; the message names the input and both sides. */
export class InvalidInputError extends Error {
  readonly code = 'invalid_input';
}

const MAX_RANK = 16;

/** Flattens nested JSON arrays, checking they are rectangular. A scalar has shape []. */
export function flattenNested(inputName: string, value: unknown): { shape: number[]; values: unknown[] } {
  const shape: number[] = [];
  let probe = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (shape.length > MAX_RANK) throw new InvalidInputError(`input '${inputName}': nested deeper than ${MAX_RANK} levels`);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const values: unknown[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw new InvalidInputError(`input '${inputName}': ragged nested arrays (expected a value at depth ${depth})`);
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new InvalidInputError(`input '${inputName}': ragged nested arrays (rows of different lengths at depth ${depth})`);
    }
    for (const child of node) walk(child, depth + 1);
  };
  walk(value, 0);
  return { shape, values };
}

/**
 * Nested JSON arrays straight into a tensor: the same result and messages as `flattenNested` then
 * `toTensorValue`, but valid float inputs (the hot path) take one pass without an intermediate array.
 */
export function nestedToTensorValue(spec: TensorSpec, value: unknown): TensorValue {
  const slowPath = () => {
    const { shape, values } = flattenNested(spec.name, value);
    return toTensorValue(spec, shape, values);
  };
  if (spec.dtype !== 'float32' && spec.dtype !== 'float64') return slowPath();
  const shape: number[] = [];
  let probe = value;
  while (Array.isArray(probe) && shape.length <= MAX_RANK) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const fits = shape.length > 0 && shape.length === spec.shape.length && spec.shape.every((d, i) => d === null || d === shape[i]);
  // Anything unusual takes the two-pass path, which words every error; valid batches never do.
  if (!fits) return slowPath();
  const length = shape.reduce((a, b) => a * b, 1);
  const data = spec.dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
  let offset = 0;
  const last = shape.length - 1;
  const walk = (node: unknown, depth: number): boolean => {
    if (!Array.isArray(node) || node.length !== shape[depth]) return false;
    if (depth < last) return node.every((child) => walk(child, depth + 1));
    for (let i = 0; i < node.length; i++) {
      const v = node[i];
      if (typeof v !== 'number') return false;
      data[offset] = v;
      // Beyond FP32's range the cast gives ±Infinity: refused, with its message, by the slow path.
      if (!Number.isFinite(data[offset++]!)) return false;
    }
    return true;
  };
  return walk(value, 0) ? { dtype: spec.dtype, shape, data } : slowPath();
}

/** Refuses unknown input names and reports every missing one. */
export function checkInputNames(signature: ModelSignature, names: readonly string[]): void {
  const expected = new Set(signature.inputs.map((i) => i.name));
  const unknown = names.filter((n) => !expected.has(n));
  if (unknown.length > 0) {
    throw new InvalidInputError(`unknown input '${unknown[0]}'; the model's inputs are ${[...expected].map((n) => `'${n}'`).join(', ')}`);
  }
  const seen = new Set(names);
  if (seen.size !== names.length) throw new InvalidInputError('an input is given more than once');
  const missing = signature.inputs.filter((i) => !seen.has(i.name));
  if (missing.length > 0) {
    throw new InvalidInputError(`missing input ${missing.map((m) => `'${m.name}' (${toOipDatatype(m.dtype)} ${formatShape(m.shape)})`).join(', ')}`);
  }
}

export function checkShape(spec: TensorSpec, shape: readonly number[]): void {
  const fits = shape.length === spec.shape.length && spec.shape.every((d, i) => d === null || d === shape[i]);
  if (!fits) {
    throw new InvalidInputError(`input '${spec.name}': expected shape ${formatShape(spec.shape)}, received ${formatShape(shape)}`);
  }
}

/** The largest finite FP32 and FP16 values: larger numbers would round to Infinity when cast. */
export const FLOAT32_MAX = 3.4028234663852886e38;
export const FLOAT16_MAX = 65504;

/** The values each narrow integer type holds: requests are checked against them, the model's API docs state them. */
export const INTEGER_RANGES: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
};

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/**
 * Checks `values` (flat, row-major) against the input's signature and `shape`, and packs them
 * into the typed array onnxruntime wants. Throws InvalidInputError naming the first offending element.
 */
export function toTensorValue(spec: TensorSpec, shape: number[], values: readonly unknown[]): TensorValue {
  checkShape(spec, shape);
  const expectedLength = shape.reduce((a, b) => a * b, 1);
  if (values.length !== expectedLength) {
    throw new InvalidInputError(`input '${spec.name}': shape ${formatShape(shape)} needs ${expectedLength} values, received ${values.length}`);
  }
  const bad = (index: number, wanted: string): never => {
    throw new InvalidInputError(`input '${spec.name}': value ${index} is ${describe(values[index])}, expected ${wanted} (${toOipDatatype(spec.dtype)})`);
  };
  const n = values.length;
  switch (spec.dtype) {
    case 'float32':
    case 'float64': {
      const data = spec.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') bad(i, 'a number');
        data[i] = v as number;
        if (!Number.isFinite(data[i]!)) bad(i, spec.dtype === 'float32' ? `a number from -${FLOAT32_MAX} to ${FLOAT32_MAX}` : 'a finite number');
      }
      return { dtype: spec.dtype, shape, data };
    }
    case 'float16': {
      const data = new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') bad(i, 'a number');
        data[i] = toHalfBits(v as number);
        if ((data[i]! & 0x7c00) === 0x7c00) bad(i, `a number from -${FLOAT16_MAX} to ${FLOAT16_MAX}`);
      }
      return { dtype: spec.dtype, shape, data };
    }
    case 'int64':
    case 'uint64': {
      const data = spec.dtype === 'int64' ? new BigInt64Array(n) : new BigUint64Array(n);
      const [min, max] = spec.dtype === 'int64' ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        // Integers beyond 2^53 lose precision as JSON numbers, so decimal strings are accepted too.
        let big: bigint | undefined;
        if (typeof v === 'number' && Number.isSafeInteger(v)) big = BigInt(v);
        else if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) big = BigInt(v);
        if (big === undefined || big < min || big > max) bad(i, 'an integer in range');
        data[i] = big!;
      }
      return { dtype: spec.dtype, shape, data };
    }
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32': {
      const [min, max] = INTEGER_RANGES[spec.dtype]!;
      const Ctor = { int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array }[spec.dtype];
      const data = new Ctor(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(i, `an integer from ${min} to ${max}`);
        data[i] = v as number;
      }
      return { dtype: spec.dtype, shape, data };
    }
    case 'bool': {
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'boolean') bad(i, 'true or false');
        data[i] = v ? 1 : 0;
      }
      return { dtype: spec.dtype, shape, data };
    }
    case 'string': {
      for (let i = 0; i < n; i++) if (typeof values[i] !== 'string') bad(i, 'a string');
      return { dtype: spec.dtype, shape, data: values as string[] };
    }
  }
}

/**
 * JSON-ready flat values of an output tensor (int64 as numbers, bool as booleans, float16 decoded).
 * JSON has no NaN or Infinity (`JSON.stringify` would write null): a model's non-finite outputs are
 * the strings "NaN", "Infinity" and "-Infinity", which `Number()` and Python's `float()` read back.
 */
export function tensorDataToJson(dtype: DType, data: TensorData): (number | boolean | string)[] {
  switch (dtype) {
    case 'bool':
      return Array.from(data as Uint8Array, (v) => v !== 0);
    case 'float16':
      return Array.from(data as Uint16Array, (bits) => finiteOrName(fromHalfBits(bits)));
    case 'int64':
    case 'uint64':
      return Array.from(data as BigInt64Array, (v) => Number(v));
    case 'string':
      return data as string[];
    case 'float32':
    case 'float64':
      return (data as Float32Array).every(Number.isFinite) ? Array.from(data as Float32Array) : Array.from(data as Float32Array, finiteOrName);
    default:
      return Array.from(data as Float32Array);
  }
}

function finiteOrName(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

/** Row-major flat values back into nested arrays of `shape`. */
export function nestValues<T>(values: readonly T[], shape: readonly number[]): unknown {
  if (shape.length === 0) return values[0];
  let offset = 0;
  const build = (depth: number): unknown[] => {
    const size = shape[depth]!;
    if (depth === shape.length - 1) {
      const row = values.slice(offset, offset + size);
      offset += size;
      return row;
    }
    return Array.from({ length: size }, () => build(depth + 1));
  };
  return build(0);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of a number (round to nearest even). */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
