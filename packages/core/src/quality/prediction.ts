/**
 * What the predictions ledger keeps of an answer: the predicted label (classification) or value
 * (regression) and, when the model gave probabilities, the top one (its confidence).
 */
export interface PredictionSummary {
  label: string | null;
  value: number | null;
  confidence: number | null;
}

const LABEL_NAMES = ['label', 'labels', 'output_label', 'class', 'classes', 'predicted_label'];
const PROBABILITY_NAMES = ['probabilities', 'probability', 'output_probability', 'probs', 'scores'];

/**
 * Reads the prediction from an answer in any of the runtime's shapes: `{outputs: {name: values}}` (ours),
 * OIP `{outputs: [{name, data}]}`, KServe V1 `{predictions: [...]}`. The first row is taken. Without a named
 * label, probabilities give the label as the index of the largest; a single number is a regression value.
 */
export function summarizeAnswer(answer: unknown): PredictionSummary {
  const outputs = outputsOf(answer);
  if (!outputs) return { label: null, value: null, confidence: null };
  const probs = firstRowNumbers(pick(outputs, PROBABILITY_NAMES));
  const confidence = probs && probs.length > 1 ? Math.max(...probs) : null;
  const labelValue = firstScalar(pick(outputs, LABEL_NAMES));
  if (labelValue !== undefined) return { label: String(labelValue), value: null, confidence };
  if (probs && probs.length > 1) return { label: String(probs.indexOf(Math.max(...probs))), value: null, confidence };
  const only = Object.values(outputs);
  const scalar = only.length === 1 ? firstScalar(only[0]) : undefined;
  if (typeof scalar === 'number') return { label: null, value: scalar, confidence: null };
  if (typeof scalar === 'string') return { label: scalar, value: null, confidence: null };
  return { label: null, value: null, confidence: null };
}

function outputsOf(answer: unknown): Record<string, unknown> | undefined {
  if (!answer || typeof answer !== 'object') return undefined;
  const a = answer as Record<string, unknown>;
  if (Array.isArray(a.outputs)) {
    const named: Record<string, unknown> = {};
    for (const o of a.outputs) if (o && typeof o === 'object' && 'name' in o) named[String(o.name)] = (o as { data?: unknown }).data;
    return named;
  }
  if (a.outputs && typeof a.outputs === 'object') return a.outputs as Record<string, unknown>;
  if (Array.isArray(a.predictions)) return { predictions: a.predictions };
  return undefined;
}

function pick(outputs: Record<string, unknown>, names: string[]): unknown {
  for (const name of names) if (name in outputs) return outputs[name];
  return undefined;
}

function firstScalar(value: unknown): string | number | undefined {
  let v = value;
  while (Array.isArray(v)) v = v[0];
  return typeof v === 'number' || typeof v === 'string' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}

function firstRowNumbers(value: unknown): number[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const row = Array.isArray(value[0]) ? value[0] : value;
  return row.every((x: unknown) => typeof x === 'number') ? (row as number[]) : undefined;
}
