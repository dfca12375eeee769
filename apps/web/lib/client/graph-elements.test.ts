import { graphSpecSchema } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { graphElements, stepFigures } from './graph-elements';

const spec = graphSpecSchema.parse({
  inputs: [
    { name: 'x', dtype: 'float32', shape: [null, 4] },
    { name: 'category', dtype: 'int64', shape: [1] },
  ],
  steps: [
    { kind: 'model', name: 'scale', deployment: 'scaler', inputs: { x: 'inputs.x' } },
    {
      kind: 'ensemble',
      name: 'vote',
      members: [
        { name: 'a', deployment: 'clf-a', inputs: { features: 'scale.scaled' } },
        { name: 'b', deployment: 'clf-b', inputs: { features: 'scale.scaled' } },
      ],
      aggregate: { method: 'vote', tensor: 'label' },
    },
    { kind: 'switch', name: 'route', cases: [{ when: 'inputs.category == 1', call: { deployment: 'special', inputs: { features: 'inputs.x' } } }] },
  ],
});

describe('the drawn graph', () => {
  it('has a box per call, aggregator and switch branch, and arrows named as the type-check names edges', () => {
    const { nodes, edges } = graphElements(spec);
    expect(nodes.map((n) => [n.id, n.kind, n.deployment])).toEqual([
      ['inputs', 'inputs', undefined],
      ['scale', 'call', 'scaler'],
      ['a', 'call', 'clf-a'],
      ['b', 'call', 'clf-b'],
      ['vote', 'aggregate', undefined],
      ['route', 'switch', undefined],
      ['route#0', 'call', 'special'],
      ['outputs', 'outputs', undefined],
    ]);
    expect(edges.map((e) => e.key)).toContain('scale.scaled -> a.features');
    expect(edges.find((e) => e.target === 'route#0' && e.source === 'route')?.label).toBe('inputs.category == 1');
  });

  it('puts each type-check refusal on its edge, or on its step when no edge carries it', () => {
    const { nodes, edges } = graphElements(spec, [
      { edge: 'scale.scaled -> a.features', step: 'a', message: 'datatypes differ' },
      { edge: 'route', step: 'route', message: "deployment 'special' is not serving" },
    ]);
    expect(edges.find((e) => e.key === 'scale.scaled -> a.features')?.errors).toEqual(['datatypes differ']);
    expect(nodes.filter((n) => n.errors.length > 0).map((n) => n.id)).toEqual(['route', 'route#0']);
  });

  it('figures per step from stored traces: count, failures, percentiles', () => {
    const step = (durationMs: number, outcome: 'ok' | 'failed' = 'ok') => ({
      step: 'scale',
      deployment: 'scaler',
      startMs: 0,
      durationMs,
      outcome,
      attempts: 1,
    });
    const figures = stepFigures([{ steps: [step(1)] }, { steps: [step(3)] }, { steps: [step(2, 'failed')] }]);
    expect(figures.get('scale')).toEqual({ count: 3, failed: 1, p50: 2, p95: 3, p99: 3 });
  });
});
