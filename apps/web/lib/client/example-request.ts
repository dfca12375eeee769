import type { Signature, TensorSpec } from './types';

function zeroOf(dtype: string): number | string | boolean {
  if (dtype === 'string') return '';
  if (dtype === 'bool') return false;
  return 0;
}

/** Nested arrays of zeros in the tensor's shape; dynamic dimensions (the batch) become 1. */
function zeros(spec: TensorSpec): unknown {
  const build = (dims: (number | null)[]): unknown =>
    dims.length === 0 ? zeroOf(spec.dtype) : Array.from({ length: dims[0] ?? 1 }, () => build(dims.slice(1)));
  return build(spec.shape);
}

/** A valid prediction request for the model: `{"inputs": {"<name>": zeros}}`, batch 1. */
export function exampleRequest(signature: Signature | null): { inputs: Record<string, unknown> } {
  return { inputs: Object.fromEntries((signature?.inputs ?? []).map((input) => [input.name, zeros(input)])) };
}

/** Pretty JSON that keeps innermost arrays on one line, so a [1, 4] tensor reads as one row. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\s+([^[\]{}]*?)\s+\]/g, (_, items: string) => `[${items.split(/,\s+/).join(', ')}]`);
}

/** A copy-paste curl command; the body is single-quoted for the shell. */
export function curlExample(url: string, body: unknown): string {
  const json = JSON.stringify(body).replace(/'/g, `'\\''`);
  return [`curl -X POST ${url} \\`, `  -H "Authorization: Bearer <API key>" \\`, `  -H "Content-Type: application/json" \\`, `  -d '${json}'`].join('\n');
}
