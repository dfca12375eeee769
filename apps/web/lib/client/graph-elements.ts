import type { GraphCall, GraphSpec, GraphTypeError } from '@slipway/core';

/** A box of the drawn graph: the request, a step's call of a deployment, an aggregator or switch, the answer. */
export interface GraphNodeView {
  id: string;
  label: string;
  kind: 'inputs' | 'call' | 'aggregate' | 'switch' | 'outputs';
  /** The deployment it calls (click-through), for calls. */
  deployment?: string;
  /** The step whose figures and trace bars it shows. */
  step?: string;
  errors: string[];
}

/** An arrow: `key` is the type-check's edge name (`scaler.scaled -> mlp.features`), so refusals land on it. */
export interface GraphEdgeView {
  id: string;
  key: string;
  source: string;
  target: string;
  label: string;
  errors: string[];
}

/** The spec as boxes and arrows, each refusal of the type-check on the arrow (or box) it concerns (pure). */
export function graphElements(spec: GraphSpec, typeErrors: readonly GraphTypeError[] = []): { nodes: GraphNodeView[]; edges: GraphEdgeView[] } {
  const nodes: GraphNodeView[] = [{ id: 'inputs', label: `request: ${spec.inputs.map((i) => i.name).join(', ')}`, kind: 'inputs', errors: [] }];
  const edges: GraphEdgeView[] = [];
  const wire = (stepName: string, target: string, call: GraphCall) => {
    for (const [input, ref] of Object.entries(call.inputs)) {
      const source = ref.slice(0, ref.indexOf('.'));
      const key = `${ref} -> ${stepName}.${input}`;
      edges.push({ id: `${key}@${target}`, key, source, target, label: `${ref.slice(source.length + 1)} → ${input}`, errors: [] });
    }
  };
  const callNode = (id: string, step: string, call: GraphCall, label = call.deployment) => {
    nodes.push({ id, label, kind: 'call', deployment: call.deployment, step, errors: [] });
    wire(step, id, call);
  };
  for (const step of spec.steps) {
    if (step.kind === 'model') callNode(step.name, step.name, step, `${step.name}: ${step.deployment}`);
    if (step.kind === 'ensemble') {
      for (const m of step.members) callNode(m.name, m.name, m, `${m.name}: ${m.deployment}`);
      const aggregate = 'combiner' in step.aggregate ? `combiner ${step.aggregate.combiner.deployment}` : `${step.aggregate.method}(${step.aggregate.tensor})`;
      nodes.push({ id: step.name, label: `${step.name}: ${aggregate}`, kind: 'aggregate', step: step.name, errors: [] });
      if ('combiner' in step.aggregate) wire(step.name, step.name, step.aggregate.combiner);
      for (const m of step.members)
        edges.push({ id: `${m.name}->${step.name}`, key: `${m.name} -> ${step.name}`, source: m.name, target: step.name, label: '', errors: [] });
    }
    if (step.kind === 'switch') {
      nodes.push({ id: step.name, label: `${step.name}: switch`, kind: 'switch', step: step.name, errors: [] });
      const branches = [...step.cases.map((c) => ({ when: c.when, call: c.call })), ...(step.default ? [{ when: 'default', call: step.default }] : [])];
      for (const [i, branch] of branches.entries()) {
        const id = `${step.name}#${i}`;
        nodes.push({ id, label: branch.call.deployment, kind: 'call', deployment: branch.call.deployment, step: step.name, errors: [] });
        edges.push({ id: `${step.name}->${id}`, key: `${branch.when} -> ${step.name}`, source: step.name, target: id, label: branch.when, errors: [] });
        wire(step.name, id, branch.call);
      }
    }
  }
  const last = spec.steps.at(-1)?.name;
  nodes.push({ id: 'outputs', label: 'answer', kind: 'outputs', errors: [] });
  if (spec.outputs) for (const [name, ref] of Object.entries(spec.outputs)) edges.push(outputEdge(ref, name));
  else if (last) edges.push({ id: `${last}->outputs`, key: `${last} -> outputs`, source: last, target: 'outputs', label: '', errors: [] });
  placeErrors(nodes, edges, typeErrors);
  return { nodes, edges: edges.filter((e) => nodes.some((n) => n.id === e.source)) };
}

function outputEdge(ref: string, name: string): GraphEdgeView {
  const source = ref.slice(0, ref.indexOf('.'));
  const key = `${ref} -> outputs.${name}`;
  return { id: key, key, source, target: 'outputs', label: `${ref.slice(source.length + 1)} → ${name}`, errors: [] };
}

/** Each refusal on every arrow of its edge name; one with no arrow (an unknown deployment) on its step's boxes. */
function placeErrors(nodes: GraphNodeView[], edges: GraphEdgeView[], typeErrors: readonly GraphTypeError[]): void {
  for (const error of typeErrors) {
    const onEdges = edges.filter((e) => e.key === error.edge);
    for (const edge of onEdges) edge.errors.push(error.message);
    if (onEdges.length > 0) continue;
    const onNodes = nodes.filter((n) => n.step === error.step || n.id === error.step);
    for (const node of onNodes.length > 0 ? onNodes : [nodes[0]!]) node.errors.push(error.message);
  }
}

export interface StepTimingView {
  step: string;
  deployment: string;
  startMs: number;
  durationMs: number;
  outcome: 'ok' | 'failed' | 'skipped';
  attempts: number;
  error?: string;
}

/** Per-step count, failures and p50/p95/p99 over the stored traces given (a sample, and every failed one). */
export function stepFigures(
  traces: readonly { steps: readonly StepTimingView[] }[],
): Map<string, { count: number; failed: number; p50: number; p95: number; p99: number }> {
  const byStep = new Map<string, { durations: number[]; failed: number }>();
  for (const trace of traces) {
    for (const s of trace.steps) {
      const entry = byStep.get(s.step) ?? { durations: [], failed: 0 };
      entry.durations.push(s.durationMs);
      if (s.outcome !== 'ok') entry.failed++;
      byStep.set(s.step, entry);
    }
  }
  const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return new Map(
    [...byStep].map(([step, { durations, failed }]) => {
      const sorted = [...durations].sort((a, b) => a - b);
      return [step, { count: sorted.length, failed, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99) }];
    }),
  );
}
