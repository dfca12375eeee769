import { formatShape, toOipDatatype, type ModelSignature, type TensorSpec } from '../signature';

/** One way a version's signature breaks callers written against the previous version. */
export interface BreakingChange {
  kind: 'input_removed' | 'input_added' | 'dtype_changed' | 'shape_changed' | 'output_removed';
  tensor: string;
  message: string;
}

/**
 * True when every request that fits `before` also fits `after`: same rank, and each dimension either
 * the same or now dynamic.
 */
function shapeAccepts(before: TensorSpec['shape'], after: TensorSpec['shape']): boolean {
  return before.length === after.length && after.every((d, i) => d === null || d === before[i]);
}

/**
 * What breaks for a caller of `previous` when `next` serves instead: a removed or newly required input, an
 * input whose datatype changed or whose shape no longer accepts the old requests, and a removed output or
 * one whose datatype or shape changed. Empty when the new version is a drop-in replacement.
 */
export function breakingChanges(previous: ModelSignature, next: ModelSignature): BreakingChange[] {
  const changes: BreakingChange[] = [];
  const nextInputs = new Map(next.inputs.map((t) => [t.name, t]));
  const previousInputs = new Set(previous.inputs.map((t) => t.name));
  for (const before of previous.inputs) {
    const after = nextInputs.get(before.name);
    if (!after) {
      changes.push({ kind: 'input_removed', tensor: before.name, message: `input '${before.name}' was removed` });
      continue;
    }
    compareTensor('input', before, after, changes, shapeAccepts(before.shape, after.shape));
  }
  for (const after of next.inputs) {
    if (!previousInputs.has(after.name)) {
      changes.push({ kind: 'input_added', tensor: after.name, message: `input '${after.name}' is new and required` });
    }
  }
  const nextOutputs = new Map(next.outputs.map((t) => [t.name, t]));
  for (const before of previous.outputs) {
    const after = nextOutputs.get(before.name);
    if (!after) {
      changes.push({ kind: 'output_removed', tensor: before.name, message: `output '${before.name}' was removed` });
      continue;
    }
    // A caller reads outputs: any change of their shape (even to dynamic) can break its parsing.
    const sameShape = before.shape.length === after.shape.length && before.shape.every((d, i) => d === after.shape[i]);
    compareTensor('output', before, after, changes, sameShape);
  }
  return changes;
}

function compareTensor(side: 'input' | 'output', before: TensorSpec, after: TensorSpec, changes: BreakingChange[], shapeOk: boolean): void {
  if (before.dtype !== after.dtype) {
    changes.push({
      kind: 'dtype_changed',
      tensor: before.name,
      message: `${side} '${before.name}' changed datatype from ${toOipDatatype(before.dtype)} to ${toOipDatatype(after.dtype)}`,
    });
  }
  if (!shapeOk) {
    changes.push({
      kind: 'shape_changed',
      tensor: before.name,
      message: `${side} '${before.name}' changed shape from ${formatShape(before.shape)} to ${formatShape(after.shape)}`,
    });
  }
}
