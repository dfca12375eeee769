import { formatShape, type ModelSignature, type TensorSpec, toOipDatatype } from '../signature';
import type { Aggregate, Condition, EnsembleStep, GraphCall, GraphSpec, GraphStep, SwitchStep } from './spec';
import { conditionOf, parseTensorRef } from './spec';

/** One refusal of the type-check: the edge it concerns (`from -> to`), why, and both signatures where there are two. */
export interface GraphTypeError {
  /** `scaler.scaled -> mlp.features`, or the step / condition concerned. */
  edge: string;
  /** The step the error belongs to (the console marks its edge). */
  step: string;
  message: string;
  from?: TensorSpec;
  to?: TensorSpec;
}

/** The served signature of each deployment a graph calls (undefined: not serving, or no tensor signature). */
export type SignatureOf = (deployment: string) => ModelSignature | undefined;

/** Tensors visible to later steps: `inputs` and each step's outputs, by name. */
type Scope = Map<string, Map<string, TensorSpec>>;

const describe = (t: TensorSpec) => `${toOipDatatype(t.dtype)} ${formatShape(t.shape)}`;

/** Same rank, and every dimension equal where both are fixed. */
export function shapesCompatible(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

/**
 * The graph's type-check against the served signatures (pure): every reference names a tensor that exists
 * earlier, every mapped tensor has the datatype and a compatible shape of the input it feeds, aggregators
 * get what they need, conditions name numeric scalars. Returns every error found (empty: the graph is sound)
 * and the graph's output signature.
 */
export function checkGraph(spec: GraphSpec, signatureOf: SignatureOf): { errors: GraphTypeError[]; outputs: TensorSpec[] } {
  const errors: GraphTypeError[] = [];
  const scope: Scope = new Map([['inputs', new Map(spec.inputs.map((t) => [t.name, t]))]]);
  let last: Map<string, TensorSpec> = new Map();
  for (const step of spec.steps) {
    const outputs = checkStep(step, scope, signatureOf, errors);
    scope.set(step.name, outputs);
    last = outputs;
  }
  const outputs: TensorSpec[] = [];
  if (!spec.outputs) outputs.push(...last.values());
  for (const [name, ref] of Object.entries(spec.outputs ?? {})) {
    const source = resolve(ref, scope);
    if (source) outputs.push({ ...source, name });
    else errors.push({ edge: `${ref} -> outputs.${name}`, step: 'outputs', message: missing(ref, scope) });
  }
  return { errors, outputs };
}

function checkStep(step: GraphStep, scope: Scope, signatureOf: SignatureOf, errors: GraphTypeError[]): Map<string, TensorSpec> {
  if (step.kind === 'model') return checkCall(step.name, step, scope, signatureOf, errors);
  if (step.kind === 'ensemble') return checkEnsemble(step, scope, signatureOf, errors);
  return checkSwitch(step, scope, signatureOf, errors);
}

/** A call's inputs against the deployment's signature; its outputs (empty when the deployment is unknown). */
function checkCall(name: string, call: GraphCall, scope: Scope, signatureOf: SignatureOf, errors: GraphTypeError[]): Map<string, TensorSpec> {
  const signature = signatureOf(call.deployment);
  if (!signature) {
    errors.push({ edge: name, step: name, message: `step '${name}': deployment '${call.deployment}' is not serving a model with a tensor signature` });
    return new Map();
  }
  for (const target of Object.keys(call.inputs)) {
    if (!signature.inputs.some((i) => i.name === target)) {
      const known = signature.inputs.map((i) => `'${i.name}'`).join(', ');
      errors.push({
        edge: `${call.inputs[target]} -> ${name}.${target}`,
        step: name,
        message: `'${call.deployment}' has no input '${target}' (its inputs: ${known})`,
      });
    }
  }
  for (const input of signature.inputs) {
    const ref = call.inputs[input.name] ?? `inputs.${input.name}`;
    const edge = `${ref} -> ${name}.${input.name}`;
    const source = resolve(ref, scope);
    if (!source) {
      const hint = call.inputs[input.name] ? '' : ` (input '${input.name}' of '${call.deployment}' is not mapped, and the request has no input of that name)`;
      errors.push({ edge, step: name, message: `${missing(ref, scope)}${hint}`, to: input });
      continue;
    }
    const mismatch = tensorMismatch(source, input);
    if (mismatch)
      errors.push({
        edge,
        step: name,
        message: `${mismatch}: ${ref} is ${describe(source)}, ${name}.${input.name} expects ${describe(input)}`,
        from: source,
        to: input,
      });
  }
  return new Map(signature.outputs.map((o) => [o.name, o]));
}

function tensorMismatch(source: TensorSpec, target: TensorSpec): string | undefined {
  if (source.dtype !== target.dtype) return 'datatypes differ';
  if (!shapesCompatible(source.shape, target.shape)) return 'shapes are incompatible';
  return undefined;
}

function resolve(ref: string, scope: Scope): TensorSpec | undefined {
  const { step, tensor } = parseTensorRef(ref);
  return scope.get(step)?.get(tensor);
}

function missing(ref: string, scope: Scope): string {
  const { step, tensor } = parseTensorRef(ref);
  const tensors = scope.get(step);
  if (!tensors) return `'${ref}' names '${step}', which is not the request ('inputs') nor an earlier step`;
  const known = [...tensors.keys()].map((n) => `'${n}'`).join(', ') || 'none';
  return `'${step}' has no ${step === 'inputs' ? 'input' : 'output'} '${tensor}' (it has: ${known})`;
}

function checkEnsemble(step: EnsembleStep, scope: Scope, signatureOf: SignatureOf, errors: GraphTypeError[]): Map<string, TensorSpec> {
  const members = step.members.map((m) => {
    const outputs = checkCall(m.name, m, scope, signatureOf, errors);
    scope.set(m.name, outputs);
    return { name: m.name, outputs };
  });
  const { aggregate } = step;
  if ('combiner' in aggregate) return checkCall(step.name, aggregate.combiner, scope, signatureOf, errors);
  return checkAggregate(step.name, aggregate, members, errors);
}

type Aggregator = Exclude<Aggregate, { combiner: unknown }>;

function checkAggregate(
  name: string,
  aggregate: Aggregator,
  members: { name: string; outputs: Map<string, TensorSpec> }[],
  errors: GraphTypeError[],
): Map<string, TensorSpec> {
  const specs = memberTensors(name, aggregate.tensor, members, errors);
  if (aggregate.method === 'weighted_mean' && aggregate.weights?.length !== members.length) {
    errors.push({
      edge: name,
      step: name,
      message: `ensemble '${name}': weighted_mean needs one weight per member (${members.length}), got ${aggregate.weights?.length ?? 0}`,
    });
  }
  if (aggregate.method === 'vote' && aggregate.probabilities) memberTensors(name, aggregate.probabilities, members, errors);
  const first = specs[0];
  if (!first) return new Map();
  const numeric = first.dtype !== 'string' && first.dtype !== 'bool';
  if ((aggregate.method === 'mean' || aggregate.method === 'weighted_mean') && !first.dtype.startsWith('float')) {
    errors.push({
      edge: `${name}.${aggregate.tensor}`,
      step: name,
      message: `ensemble '${name}': ${aggregate.method} needs a float tensor, '${aggregate.tensor}' is ${describe(first)}`,
    });
  }
  if (aggregate.method === 'vote' && !numeric) {
    errors.push({
      edge: `${name}.${aggregate.tensor}`,
      step: name,
      message: `ensemble '${name}': vote needs a numeric label, '${aggregate.tensor}' is ${describe(first)}`,
    });
  }
  const output = aggregate.output ?? aggregate.tensor;
  if (aggregate.method !== 'concat') return new Map([[output, { ...first, name: output }]]);
  const lastDims = specs.map((s) => s.shape.at(-1) ?? null);
  const width = lastDims.every((d) => d !== null) ? lastDims.reduce((a, b) => a! + b!, 0) : null;
  return new Map([[output, { name: output, dtype: first.dtype, shape: [...first.shape.slice(0, -1), width] }]]);
}

/** The tensor of this name in every member, checked to agree in datatype and shape. */
function memberTensors(name: string, tensor: string, members: { name: string; outputs: Map<string, TensorSpec> }[], errors: GraphTypeError[]): TensorSpec[] {
  const specs: TensorSpec[] = [];
  for (const member of members) {
    const spec = member.outputs.get(tensor);
    if (!spec) {
      if (member.outputs.size > 0) {
        errors.push({
          edge: `${member.name}.${tensor} -> ${name}`,
          step: name,
          message: `member '${member.name}' has no output '${tensor}' (it has: ${[...member.outputs.keys()].map((n) => `'${n}'`).join(', ')})`,
        });
      }
      continue;
    }
    const first = specs[0];
    if (first && first.dtype !== spec.dtype) {
      errors.push({
        edge: `${member.name}.${tensor} -> ${name}`,
        step: name,
        message: `datatypes differ between members: ${members[0]!.name}.${tensor} is ${describe(first)}, ${member.name}.${tensor} is ${describe(spec)}`,
        from: spec,
        to: first,
      });
    }
    specs.push(spec);
  }
  return specs;
}

function checkSwitch(step: SwitchStep, scope: Scope, signatureOf: SignatureOf, errors: GraphTypeError[]): Map<string, TensorSpec> {
  for (const { when } of step.cases) checkCondition(step.name, conditionOf(when), scope, errors);
  const branches = [...step.cases.map((c) => c.call), ...(step.default ? [step.default] : [])].map((call) =>
    checkCall(step.name, call, scope, signatureOf, errors),
  );
  // What every branch answers, with the same datatype: only that can be relied on downstream.
  const [first, ...rest] = branches;
  const common = new Map<string, TensorSpec>();
  for (const [name, spec] of first ?? []) {
    const others = rest.map((b) => b.get(name));
    if (others.every((o) => o && o.dtype === spec.dtype)) {
      common.set(name, { ...spec, shape: spec.shape.map((d, i) => (others.every((o) => o!.shape[i] === d) ? d : null)) });
    }
  }
  return common;
}

/** A condition names a numeric tensor with at most one element per request. */
function checkCondition(stepName: string, condition: Condition, scope: Scope, errors: GraphTypeError[]): void {
  const ref = `${condition.ref.step}.${condition.ref.tensor}`;
  const source = scope.get(condition.ref.step)?.get(condition.ref.tensor);
  const edge = `${condition.text} -> ${stepName}`;
  if (!source) return void errors.push({ edge, step: stepName, message: `condition '${condition.text}': ${missing(ref, scope)}` });
  if (source.dtype === 'string')
    errors.push({ edge, step: stepName, message: `condition '${condition.text}': ${ref} is ${describe(source)}, not a number`, from: source });
  if (!source.shape.every((d) => d === null || d === 1)) {
    errors.push({
      edge,
      step: stepName,
      message: `condition '${condition.text}': ${ref} is ${describe(source)}, not a scalar (one value per request)`,
      from: source,
    });
  }
}

/**
 * The spec with every call's inputs mapped explicitly (an unmapped input reads `inputs.<same name>`), as
 * stored and executed: the gateway then needs no signature to build a step's request.
 */
export function withExplicitInputs(spec: GraphSpec, signatureOf: SignatureOf): GraphSpec {
  const explicit = <C extends GraphCall>(call: C): C => {
    const names = signatureOf(call.deployment)?.inputs.map((i) => i.name) ?? [];
    return { ...call, inputs: { ...Object.fromEntries(names.map((n) => [n, `inputs.${n}`])), ...call.inputs } };
  };
  const steps = spec.steps.map((step): GraphStep => {
    if (step.kind === 'model') return explicit(step);
    if (step.kind === 'switch')
      return { ...step, cases: step.cases.map((c) => ({ ...c, call: explicit(c.call) })), ...(step.default && { default: explicit(step.default) }) };
    const aggregate = 'combiner' in step.aggregate ? { combiner: explicit(step.aggregate.combiner) } : step.aggregate;
    return { ...step, members: step.members.map(explicit), aggregate };
  });
  return { ...spec, steps };
}
