import { z } from 'zod';
import { resourceNameSchema } from '../names';
import { tensorSpecSchema } from '../signature';

/**
 * A graph deployment's spec: named steps run in order (a sequence), each reading tensors by name from the
 * request (`inputs.<name>`) or from an earlier step (`<step>.<output>`). A step is a model call, an ensemble
 * (members in parallel, then an aggregator or a combiner deployment) or a switch (first matching case).
 */

/** Step names are referenced as `<step>.<output>`; `inputs` is the request. */
const stepNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'use lowercase letters, digits, "-" and "_", starting with a letter')
  .refine((name) => name !== 'inputs', "'inputs' names the request's inputs and cannot name a step");

/** `inputs.<name>` (the request) or `<step>.<output>` (an earlier step). */
export const tensorRefSchema = z.string().regex(/^[a-z][a-z0-9_-]*\.[A-Za-z0-9_:./-]+$/, 'expected "inputs.<name>" or "<step>.<output>"');

export interface TensorRef {
  /** `inputs` for the request, else a step's name. */
  step: string;
  tensor: string;
}

export function parseTensorRef(ref: string): TensorRef {
  const dot = ref.indexOf('.');
  return { step: ref.slice(0, dot), tensor: ref.slice(dot + 1) };
}

/** Per-step reliability: hard (a failure fails the request) or soft (left out, said in the answer), timeout, retries. */
const reliabilitySchema = z.object({
  dependency: z.enum(['hard', 'soft']).default('hard'),
  timeoutMs: z.number().int().min(1).max(600_000).default(30_000),
  /** Retries after a 5xx answer or a connection error only, with exponential backoff. */
  retries: z.number().int().min(0).max(5).default(0),
});

/** A call of one deployment: its inputs mapped from references (unmapped ones default to `inputs.<same name>`). */
const callSchema = reliabilitySchema.extend({
  deployment: resourceNameSchema,
  inputs: z.record(z.string().min(1), tensorRefSchema).default({}),
});

const modelStepSchema = callSchema.extend({ kind: z.literal('model'), name: stepNameSchema });

const memberSchema = callSchema.extend({ name: stepNameSchema });

export const AGGREGATORS = ['mean', 'weighted_mean', 'vote', 'concat'] as const;
export type AggregatorName = (typeof AGGREGATORS)[number];

const aggregateSchema = z.union([
  z.object({
    method: z.enum(AGGREGATORS),
    /** The member output aggregated (for `vote`: the label). */
    tensor: z.string().min(1),
    /** `weighted_mean`: one weight per member, in order. */
    weights: z.array(z.number().nonnegative()).optional(),
    /** `vote`: the members' probability output, whose mean breaks ties. */
    probabilities: z.string().min(1).optional(),
    /** The name of the ensemble's output (default: `tensor`). */
    output: z.string().min(1).optional(),
  }),
  z.object({ combiner: callSchema }),
]);

const ensembleStepSchema = z.object({
  kind: z.literal('ensemble'),
  name: stepNameSchema,
  members: z.array(memberSchema).min(2).max(16),
  aggregate: aggregateSchema,
});

export const CONDITION_OPERATORS = ['==', '!=', '<', '<=', '>', '>='] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export interface Condition {
  ref: TensorRef;
  op: ConditionOperator;
  value: number;
  /** As written, for messages. */
  text: string;
}

const CONDITION = /^\s*([a-z][a-z0-9_-]*\.[A-Za-z0-9_:./-]+)\s*(==|!=|<=|>=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/i;

/** `inputs.category == 3`, `scorer.score > 0.5` read into its parts; undefined when it is not a condition. */
export function parseCondition(text: string): Condition | undefined {
  const m = CONDITION.exec(text);
  if (!m) return undefined;
  return { ref: parseTensorRef(m[1]!), op: m[2] as ConditionOperator, value: Number(m[3]), text: text.trim() };
}

/** A scalar tensor compared with a number, kept as written (the spec stays plain JSON, stored and published as is). */
export const conditionSchema = z.string().refine((text) => parseCondition(text) !== undefined, {
  error: (issue) => `'${String(issue.input)}' is not a condition: expected "<inputs.name | step.output> <==|!=|<|<=|>|>=> <number>"`,
});

/** A condition the schema accepted. */
export function conditionOf(text: string): Condition {
  const condition = parseCondition(text);
  if (!condition) throw new Error(`'${text}' is not a condition`);
  return condition;
}

const switchStepSchema = z.object({
  kind: z.literal('switch'),
  name: stepNameSchema,
  cases: z
    .array(z.object({ when: conditionSchema, call: callSchema }))
    .min(1)
    .max(32),
  /** Taken when no case matches; without it such a request is refused naming the conditions. */
  default: callSchema.optional(),
});

export const graphStepSchema = z.discriminatedUnion('kind', [modelStepSchema, ensembleStepSchema, switchStepSchema]);

export const graphSpecSchema = z
  .object({
    /** The graph's request: its inputs and their types (the graph's own signature, for clients and the type-check). */
    inputs: z.array(tensorSpecSchema).min(1),
    steps: z.array(graphStepSchema).min(1).max(32),
    /** The answer: output name -> reference (default: every output of the last step). */
    outputs: z.record(z.string().min(1), tensorRefSchema).optional(),
    /** Share of successful requests whose trace is stored (every failed one is). */
    traceSampleRate: z.number().min(0).max(1).default(0.01),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    for (const [i, step] of spec.steps.entries()) {
      const names = [step.name, ...(step.kind === 'ensemble' ? step.members.map((m) => m.name) : [])];
      for (const name of names) {
        if (seen.has(name)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'name'], message: `step name '${name}' is used twice` });
        seen.add(name);
      }
    }
  });

export type GraphSpec = z.infer<typeof graphSpecSchema>;
export type GraphSpecInput = z.input<typeof graphSpecSchema>;
export type GraphStep = GraphSpec['steps'][number];
export type GraphCall = z.infer<typeof callSchema>;
export type EnsembleStep = Extract<GraphStep, { kind: 'ensemble' }>;
export type SwitchStep = Extract<GraphStep, { kind: 'switch' }>;
export type Aggregate = EnsembleStep['aggregate'];

/** The deployments a graph calls, each once. */
export function graphDeployments(spec: GraphSpec): string[] {
  const names = new Set<string>();
  for (const step of spec.steps) {
    if (step.kind === 'model') names.add(step.deployment);
    if (step.kind === 'ensemble') {
      for (const m of step.members) names.add(m.deployment);
      if ('combiner' in step.aggregate) names.add(step.aggregate.combiner.deployment);
    }
    if (step.kind === 'switch') {
      for (const c of step.cases) names.add(c.call.deployment);
      if (step.default) names.add(step.default.deployment);
    }
  }
  return [...names];
}
