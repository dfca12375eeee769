import type { Signature } from './types';

/** The one input a per-feature form can fill: a single 2-D input whose columns are the manifest's named features. */
export function featureInput(signature: Signature | null, features: string[] | null): string | null {
  if (!signature || !features?.length || signature.inputs.length !== 1) return null;
  const [input] = signature.inputs;
  if (input?.shape.length !== 2) return null;
  const columns = input.shape[1];
  return columns === null || columns === features.length ? input.name : null;
}

/** The form's values as a request: one row of numbers (an empty field is 0). */
export function featureRequest(input: string, values: string[]): { inputs: Record<string, number[][]> } {
  return { inputs: { [input]: [values.map((v) => (v.trim() === '' ? 0 : Number(v)))] } };
}

/** The first row of the request's input, as the form's text values (so the form starts from the example). */
export function featureValues(body: unknown, input: string, count: number): string[] {
  const rows = (body as { inputs?: Record<string, unknown> } | null)?.inputs?.[input];
  const row = Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as unknown[]) : [];
  return Array.from({ length: count }, (_, i) => (typeof row[i] === 'number' ? String(row[i]) : ''));
}

const isIndex = (v: unknown, labels: string[]) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < labels.length;

/**
 * An answer in the manifest's words: a class index output becomes its label ("label: virginica"), a row of
 * class scores the best label with its score. Nothing when the manifest names no labels or no output fits.
 */
export function readableOutputs(body: unknown, labels: string[] | null): string[] {
  const outputs = (body as { outputs?: Record<string, unknown> } | null)?.outputs;
  if (!labels?.length || !outputs || typeof outputs !== 'object') return [];
  const lines: string[] = [];
  for (const [name, value] of Object.entries(outputs)) {
    const first = Array.isArray(value) ? value[0] : undefined;
    if (isIndex(first, labels)) lines.push(`${name}: ${labels[first as number]}`);
    else if (Array.isArray(first) && first.length === labels.length && first.every((x) => typeof x === 'number')) {
      const scores = first as number[];
      const best = scores.indexOf(Math.max(...scores));
      lines.push(`${name}: ${labels[best]} ${(scores[best]! * 100).toFixed(1)} %`);
    }
  }
  return lines;
}
