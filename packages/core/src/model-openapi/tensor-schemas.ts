import { formatShape, toOipDatatype, type DType, type TensorSpec } from '../signature';
import { INTEGER_RANGES } from '../tensor-validation';

/** A JSON Schema (2020-12, as OpenAPI 3.1 embeds it). */
export type JsonSchema = Record<string, unknown>;

/**
 * One element of a tensor as JSON. 64-bit integers may also be sent as decimal strings (JSON numbers lose
 * precision beyond 2^53); the runtime answers them as numbers.
 */
export function elementSchema(dtype: DType, direction: 'request' | 'response'): JsonSchema {
  switch (dtype) {
    case 'bool':
      return { type: 'boolean' };
    case 'string':
      return { type: 'string' };
    case 'float16':
    case 'float32':
    case 'float64':
      return { type: 'number' };
    case 'int64':
    case 'uint64': {
      const integer = dtype === 'uint64' ? { type: 'integer', minimum: 0 } : { type: 'integer' };
      if (direction === 'response') return integer;
      return { anyOf: [integer, { type: 'string', pattern: dtype === 'uint64' ? '^\\d{1,20}$' : '^-?\\d{1,20}$' }] };
    }
    default: {
      const [minimum, maximum] = INTEGER_RANGES[dtype]!;
      return { type: 'integer', minimum, maximum };
    }
  }
}

/** Nested arrays in the tensor's shape: fixed dimensions have exactly that many items, dynamic ones any number. */
export function nestedSchema(dtype: DType, shape: TensorSpec['shape'], direction: 'request' | 'response'): JsonSchema {
  let schema = elementSchema(dtype, direction);
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i];
    schema = { type: 'array', items: schema, ...(d !== null && d !== undefined && { minItems: d, maxItems: d }) };
  }
  return schema;
}

export function describeTensor(spec: TensorSpec): string {
  return `${toOipDatatype(spec.dtype)} ${formatShape(spec.shape)}${spec.shape.includes(null) ? ' (-1: any size)' : ''}`;
}

/** Nested JSON arrays → their shape, following first elements (the runtime checks they are rectangular). */
export function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  let probe = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  return shape;
}

export function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}
