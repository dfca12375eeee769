import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../signature';
import { aggregate, conditionHolds, type GraphTensor } from './aggregate';
import { conditionOf, graphDeployments, graphSpecSchema, type GraphSpecInput, parseCondition } from './spec';
import { checkGraph } from './type-check';

const SIGNATURES: Record<string, ModelSignature> = {
  scaler: { inputs: [{ name: 'x', dtype: 'float32', shape: [null, 4] }], outputs: [{ name: 'scaled', dtype: 'float32', shape: [null, 4] }] },
  mlp: {
    inputs: [{ name: 'features', dtype: 'float32', shape: [null, 4] }],
    outputs: [
      { name: 'label', dtype: 'int64', shape: [null] },
      { name: 'probabilities', dtype: 'float32', shape: [null, 3] },
    ],
  },
  'int-model': { inputs: [{ name: 'features', dtype: 'int64', shape: [null, 4] }], outputs: [{ name: 'label', dtype: 'int64', shape: [null] }] },
  wide: { inputs: [{ name: 'features', dtype: 'float32', shape: [null, 8] }], outputs: [{ name: 'label', dtype: 'int64', shape: [null] }] },
};
const signatureOf = (name: string) => SIGNATURES[name];

const parse = (spec: GraphSpecInput) => graphSpecSchema.parse(spec);
const INPUTS = [
  { name: 'x', dtype: 'float32' as const, shape: [null, 4] },
  { name: 'category', dtype: 'int64' as const, shape: [1] },
];

describe('graph spec', () => {
  it('parses a sequence with defaults: hard steps, 30 s timeout, no retry', () => {
    const spec = parse({
      inputs: INPUTS,
      steps: [
        { kind: 'model', name: 'scaler', deployment: 'scaler' },
        { kind: 'model', name: 'mlp', deployment: 'mlp', inputs: { features: 'scaler.scaled' } },
      ],
    });
    expect(spec.steps[0]).toMatchObject({ dependency: 'hard', timeoutMs: 30_000, retries: 0, inputs: {} });
    expect(graphDeployments(spec)).toEqual(['scaler', 'mlp']);
  });

  it('parses switch conditions and refuses ones it cannot read, and step names used twice', () => {
    const spec = parse({
      inputs: INPUTS,
      steps: [{ kind: 'switch', name: 'route', cases: [{ when: 'inputs.category == 3', call: { deployment: 'mlp' } }] }],
    });
    expect(parseCondition('inputs.category == 3')).toEqual({ ref: { step: 'inputs', tensor: 'category' }, op: '==', value: 3, text: 'inputs.category == 3' });
    expect(spec.steps[0]).toMatchObject({ cases: [{ when: 'inputs.category == 3' }] });
    const bad = graphSpecSchema.safeParse({
      inputs: INPUTS,
      steps: [{ kind: 'switch', name: 's', cases: [{ when: 'category is 3', call: { deployment: 'mlp' } }] }],
    });
    expect(bad.error?.issues[0]?.message).toContain("'category is 3' is not a condition");
    const twice = graphSpecSchema.safeParse({
      inputs: INPUTS,
      steps: [
        { kind: 'model', name: 'a', deployment: 'mlp', inputs: { features: 'inputs.x' } },
        { kind: 'model', name: 'a', deployment: 'mlp', inputs: { features: 'inputs.x' } },
      ],
    });
    expect(twice.error?.issues[0]?.message).toBe("step name 'a' is used twice");
  });
});

describe('graph type-check', () => {
  it('accepts a scaler -> MLP sequence and gives the graph the last step outputs', () => {
    const spec = parse({
      inputs: INPUTS,
      steps: [
        { kind: 'model', name: 'scaler', deployment: 'scaler' },
        { kind: 'model', name: 'mlp', deployment: 'mlp', inputs: { features: 'scaler.scaled' } },
      ],
    });
    const { errors, outputs } = checkGraph(spec, signatureOf);
    expect(errors).toEqual([]);
    expect(outputs.map((o) => o.name)).toEqual(['label', 'probabilities']);
  });

  it('refuses a missing tensor, naming the edge and what exists', () => {
    const spec = parse({
      inputs: INPUTS,
      steps: [
        { kind: 'model', name: 'scaler', deployment: 'scaler' },
        { kind: 'model', name: 'mlp', deployment: 'mlp', inputs: { features: 'scaler.normalised' } },
      ],
    });
    expect(checkGraph(spec, signatureOf).errors).toEqual([
      expect.objectContaining({ edge: 'scaler.normalised -> mlp.features', step: 'mlp', message: "'scaler' has no output 'normalised' (it has: 'scaled')" }),
    ]);
  });

  it('refuses a datatype mismatch showing both signatures', () => {
    const spec = parse({
      inputs: INPUTS,
      steps: [
        { kind: 'model', name: 'scaler', deployment: 'scaler' },
        { kind: 'model', name: 'classify', deployment: 'int-model', inputs: { features: 'scaler.scaled' } },
      ],
    });
    const [error] = checkGraph(spec, signatureOf).errors;
    expect(error?.edge).toBe('scaler.scaled -> classify.features');
    expect(error?.message).toBe('datatypes differ: scaler.scaled is FP32 [-1, 4], classify.features expects INT64 [-1, 4]');
    expect(error?.from?.dtype).toBe('float32');
    expect(error?.to?.dtype).toBe('int64');
  });

  it('refuses incompatible shapes, later steps read by earlier ones, unknown deployments and inputs', () => {
    const spec = parse({
      inputs: INPUTS,
      steps: [
        { kind: 'model', name: 'first', deployment: 'wide', inputs: { features: 'inputs.x' } },
        { kind: 'model', name: 'second', deployment: 'mlp', inputs: { features: 'third.scaled', extra: 'inputs.x' } },
        { kind: 'model', name: 'third', deployment: 'gone' },
      ],
    });
    const messages = checkGraph(spec, signatureOf).errors.map((e) => `${e.edge}: ${e.message}`);
    expect(messages).toEqual([
      'inputs.x -> first.features: shapes are incompatible: inputs.x is FP32 [-1, 4], first.features expects FP32 [-1, 8]',
      "inputs.x -> second.extra: 'mlp' has no input 'extra' (its inputs: 'features')",
      "third.scaled -> second.features: 'third.scaled' names 'third', which is not the request ('inputs') nor an earlier step",
      "third: step 'third': deployment 'gone' is not serving a model with a tensor signature",
    ]);
  });

  it('checks ensembles: the aggregated tensor in every member, one weight per member', () => {
    const vote = parse({
      inputs: INPUTS,
      steps: [
        {
          kind: 'ensemble',
          name: 'both',
          members: [
            { name: 'a', deployment: 'mlp', inputs: { features: 'inputs.x' } },
            { name: 'b', deployment: 'mlp', inputs: { features: 'inputs.x' } },
          ],
          aggregate: { method: 'vote', tensor: 'label', probabilities: 'probabilities' },
        },
      ],
    });
    const { errors, outputs } = checkGraph(vote, signatureOf);
    expect(errors).toEqual([]);
    expect(outputs).toEqual([{ name: 'label', dtype: 'int64', shape: [null] }]);
    const weighted = parse({
      inputs: INPUTS,
      steps: [
        {
          kind: 'ensemble',
          name: 'avg',
          members: [
            { name: 'a', deployment: 'mlp', inputs: { features: 'inputs.x' } },
            { name: 'b', deployment: 'scaler' },
          ],
          aggregate: { method: 'weighted_mean', tensor: 'probabilities', weights: [1] },
        },
      ],
    });
    expect(checkGraph(weighted, signatureOf).errors.map((e) => e.message)).toEqual([
      "member 'b' has no output 'probabilities' (it has: 'scaled')",
      "ensemble 'avg': weighted_mean needs one weight per member (2), got 1",
    ]);
  });

  it('checks switch conditions name numeric scalars', () => {
    const spec = parse({
      inputs: INPUTS,
      steps: [
        {
          kind: 'switch',
          name: 'route',
          cases: [
            { when: 'inputs.category == 3', call: { deployment: 'mlp', inputs: { features: 'inputs.x' } } },
            { when: 'inputs.x > 1', call: { deployment: 'mlp', inputs: { features: 'inputs.x' } } },
            { when: 'inputs.colour == 1', call: { deployment: 'mlp', inputs: { features: 'inputs.x' } } },
          ],
        },
      ],
    });
    expect(checkGraph(spec, signatureOf).errors.map((e) => e.message)).toEqual([
      "condition 'inputs.x > 1': inputs.x is FP32 [-1, 4], not a scalar (one value per request)",
      "condition 'inputs.colour == 1': 'inputs' has no input 'colour' (it has: 'x', 'category')",
    ]);
  });
});

const tensor = (name: string, shape: number[], data: number[], datatype = 'FP32'): GraphTensor => ({ name, datatype, shape, data });

describe('graph aggregators', () => {
  it('mean and weighted mean, element by element', () => {
    const a = tensor('p', [1, 2], [0.2, 0.8]);
    const b = tensor('p', [1, 2], [0.6, 0.4]);
    expect(aggregate({ method: 'mean', tensors: [a, b], output: 'p' }).data).toEqual([0.4, 0.6000000000000001]);
    expect(aggregate({ method: 'weighted_mean', tensors: [a, b], weights: [3, 1], output: 'p' }).data.map((v) => Number(v).toFixed(2))).toEqual([
      '0.30',
      '0.70',
    ]);
  });

  it('votes per row; a tie goes to the label with the higher mean probability', () => {
    const labels = [tensor('label', [2], [0, 1], 'INT64'), tensor('label', [2], [2, 1], 'INT64'), tensor('label', [2], [2, 0], 'INT64')];
    expect(aggregate({ method: 'vote', tensors: labels, output: 'label' }).data).toEqual([2, 1]);
    const pair = [tensor('label', [1], [0], 'INT64'), tensor('label', [1], [2], 'INT64')];
    const probabilities = [tensor('probabilities', [1, 3], [0.5, 0.1, 0.4]), tensor('probabilities', [1, 3], [0.1, 0.1, 0.8])];
    expect(aggregate({ method: 'vote', tensors: pair, probabilities, output: 'label' }).data).toEqual([2]);
    expect(aggregate({ method: 'vote', tensors: pair, output: 'label' }).data).toEqual([0]);
  });

  it('concatenates along the last axis row by row, and refuses mismatched members', () => {
    const out = aggregate({ method: 'concat', tensors: [tensor('e', [2, 1], [1, 2]), tensor('e', [2, 2], [3, 4, 5, 6])], output: 'e' });
    expect(out).toEqual({ name: 'e', datatype: 'FP32', shape: [2, 3], data: [1, 3, 4, 2, 5, 6] });
    expect(() => aggregate({ method: 'mean', tensors: [tensor('p', [1, 2], [1, 2]), tensor('p', [1, 3], [1, 2, 3])], output: 'p' })).toThrow(
      "members answered 'p' in different shapes: [1, 2] and [1, 3]",
    );
  });

  it('evaluates conditions on one value', () => {
    const spec = parse({ inputs: INPUTS, steps: [{ kind: 'switch', name: 's', cases: [{ when: 'inputs.category >= 2.5', call: { deployment: 'mlp' } }] }] });
    const step = spec.steps[0]!;
    const when = step.kind === 'switch' ? conditionOf(step.cases[0]!.when) : undefined;
    expect(conditionHolds(when!, tensor('category', [1], [3], 'INT64'))).toBe(true);
    expect(conditionHolds(when!, tensor('category', [1], [2], 'INT64'))).toBe(false);
    expect(() => conditionHolds(when!, tensor('category', [2], [3, 3], 'INT64'))).toThrow("'inputs.category' has 2 values");
  });
});
