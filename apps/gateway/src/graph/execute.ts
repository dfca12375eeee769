import {
  AggregationError,
  aggregate,
  conditionHolds,
  conditionOf,
  type EnsembleStep,
  type GraphCall,
  type GraphSpec,
  type GraphTensor,
  parseTensorRef,
  type SwitchStep,
} from '@slipway/core';

/** Why one call of a step failed: `retryable` for a 5xx answer or no answer at all (never a 4xx, never a timeout). */
export class StepCallError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'failed' | 'timeout',
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** One step's part of a trace, in ms from the graph's start. */
export interface StepTiming {
  step: string;
  deployment: string;
  startMs: number;
  durationMs: number;
  outcome: 'ok' | 'failed' | 'skipped';
  attempts: number;
  variant?: string;
  error?: string;
}

export interface GraphFailure {
  code: 'bad_request' | 'step_failed' | 'step_timeout' | 'no_matching_case';
  step: string;
  message: string;
}

export interface GraphRun {
  outputs: GraphTensor[];
  /** Soft steps that failed: their outputs are left out. */
  skipped: { step: string; error: string }[];
  steps: StepTiming[];
  failure?: GraphFailure;
}

export interface ExecuteDeps {
  /**
   * One call of a deployment with these named tensors; rejects with StepCallError. `tried`: the replicas
   * earlier attempts of this step used (the caller adds to it), so a retry goes elsewhere when it can.
   */
  call(deployment: string, inputs: GraphTensor[], timeoutMs: number, tried: Set<string>): Promise<{ outputs: GraphTensor[]; variant?: string }>;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** First retry's backoff; doubled each time. */
  backoffMs: number;
}

/** A hard step's failure: stops the graph. */
class Stop extends Error {
  constructor(readonly failure: GraphFailure) {
    super(failure.message);
  }
}

type Scope = Map<string, Map<string, GraphTensor>>;

/**
 * Runs a graph's steps in order: model calls, ensembles (members in parallel, then the aggregator or the
 * combiner) and switches (the first case whose condition holds, else the default). A hard step's failure
 * fails the request naming the step; a soft step's is recorded and its outputs left out. Never rejects.
 */
export async function executeGraph(spec: GraphSpec, request: readonly GraphTensor[], deps: ExecuteDeps): Promise<GraphRun> {
  const run = new Run(deps);
  const scope: Scope = new Map([['inputs', new Map(request.map((t) => [t.name, t]))]]);
  let last: Map<string, GraphTensor> | undefined;
  try {
    for (const step of spec.steps) {
      if (step.kind === 'model') last = await run.call(step.name, step, scope);
      else if (step.kind === 'ensemble') last = await run.ensemble(step, scope);
      else last = await run.switch(step, scope);
      if (last) scope.set(step.name, last);
    }
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { outputs: [], skipped: run.skipped, steps: run.steps, failure: error.failure };
  }
  return { outputs: graphOutputs(spec, scope, last, run.skipped), skipped: run.skipped, steps: run.steps };
}

function graphOutputs(spec: GraphSpec, scope: Scope, last: Map<string, GraphTensor> | undefined, skipped: GraphRun['skipped']): GraphTensor[] {
  if (!spec.outputs) return [...(last?.values() ?? [])];
  const outputs: GraphTensor[] = [];
  for (const [name, ref] of Object.entries(spec.outputs)) {
    const { step, tensor } = parseTensorRef(ref);
    const value = scope.get(step)?.get(tensor);
    if (value) outputs.push({ ...value, name });
    else if (!skipped.some((s) => s.step === `outputs.${name}`)) skipped.push({ step: `outputs.${name}`, error: `'${step}' failed, so '${ref}' is left out` });
  }
  return outputs;
}

class Run {
  readonly steps: StepTiming[] = [];
  readonly skipped: GraphRun['skipped'] = [];
  private readonly started: number;

  constructor(private readonly deps: ExecuteDeps) {
    this.started = deps.now();
  }

  /** A call with its retries; on failure: Stop when hard, undefined (recorded as skipped) when soft. */
  async call(name: string, call: GraphCall, scope: Scope): Promise<Map<string, GraphTensor> | undefined> {
    const timing: StepTiming = { step: name, deployment: call.deployment, startMs: this.deps.now() - this.started, durationMs: 0, outcome: 'ok', attempts: 0 };
    this.steps.push(timing);
    try {
      const inputs = this.inputsOf(name, call, scope);
      const answer = await this.attempt(call, inputs, timing);
      if (answer.variant !== undefined) timing.variant = answer.variant;
      return new Map(answer.outputs.map((t) => [t.name, t]));
    } catch (error) {
      const failure = this.failureOf(name, call, error);
      timing.outcome = call.dependency === 'soft' ? 'skipped' : 'failed';
      timing.error = failure.message;
      if (call.dependency === 'hard') throw new Stop(failure);
      this.skipped.push({ step: name, error: failure.message });
      return undefined;
    } finally {
      timing.durationMs = this.deps.now() - this.started - timing.startMs;
    }
  }

  async ensemble(step: EnsembleStep, scope: Scope): Promise<Map<string, GraphTensor> | undefined> {
    const answers = await Promise.all(step.members.map((m) => this.call(m.name, m, scope)));
    const answered = step.members.flatMap((m, i) => (answers[i] ? [{ member: m, index: i, outputs: answers[i]! }] : []));
    for (const a of answered) scope.set(a.member.name, a.outputs);
    if ('combiner' in step.aggregate) return this.call(step.name, step.aggregate.combiner, scope);
    const { method, tensor, weights, probabilities, output } = step.aggregate;
    const started = this.deps.now();
    const timing: StepTiming = {
      step: step.name,
      deployment: `aggregate:${method}`,
      startMs: started - this.started,
      durationMs: 0,
      outcome: 'ok',
      attempts: 1,
    };
    this.steps.push(timing);
    try {
      if (answered.length === 0) throw new AggregationError('no member answered');
      const pick = (name: string) => answered.map((a) => a.outputs.get(name)).filter((t): t is GraphTensor => t !== undefined);
      const combined = aggregate({
        method,
        tensors: pick(tensor),
        ...(weights && { weights: answered.map((a) => weights[a.index]!) }),
        ...(probabilities && { probabilities: pick(probabilities) }),
        output: output ?? tensor,
      });
      return new Map([[combined.name, combined]]);
    } catch (error) {
      timing.outcome = 'failed';
      timing.error = (error as Error).message;
      throw new Stop({ code: 'step_failed', step: step.name, message: `ensemble '${step.name}' could not combine its members: ${timing.error}` });
    } finally {
      timing.durationMs = this.deps.now() - started;
    }
  }

  async switch(step: SwitchStep, scope: Scope): Promise<Map<string, GraphTensor> | undefined> {
    const tried: string[] = [];
    for (const { when, call } of step.cases) {
      const condition = conditionOf(when);
      const value = scope.get(condition.ref.step)?.get(condition.ref.tensor);
      if (!value) {
        tried.push(`'${when}' (${condition.ref.step}.${condition.ref.tensor} is missing)`);
        continue;
      }
      let holds: boolean;
      try {
        holds = conditionHolds(condition, value);
      } catch (error) {
        throw new Stop({ code: 'bad_request', step: step.name, message: `switch '${step.name}': ${(error as Error).message}` });
      }
      if (holds) return this.call(step.name, call, scope);
      tried.push(`'${when}' (${condition.ref.step}.${condition.ref.tensor} = ${value.data[0]})`);
    }
    if (step.default) return this.call(step.name, step.default, scope);
    throw new Stop({
      code: 'no_matching_case',
      step: step.name,
      message: `switch '${step.name}': no case matched and it has no default; tried ${tried.join(', ')}`,
    });
  }

  private inputsOf(name: string, call: GraphCall, scope: Scope): GraphTensor[] {
    return Object.entries(call.inputs).map(([input, ref]) => {
      const { step, tensor } = parseTensorRef(ref);
      const value = scope.get(step)?.get(tensor);
      if (value) return { ...value, name: input };
      const why = step === 'inputs' ? `the request has no input '${tensor}'` : `'${step}' did not answer (soft step failed)`;
      throw new StepCallError(`input '${input}' <- ${ref}: ${why}`, step === 'inputs' ? 'refused' : 'failed', false);
    });
  }

  /** The call, again after a retryable failure while retries remain, with exponential backoff. */
  private async attempt(call: GraphCall, inputs: GraphTensor[], timing: StepTiming) {
    const tried = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      timing.attempts = attempt + 1;
      try {
        return await this.deps.call(call.deployment, inputs, call.timeoutMs, tried);
      } catch (error) {
        if (!(error instanceof StepCallError) || !error.retryable || attempt >= call.retries) throw error;
        await this.deps.sleep(this.deps.backoffMs * 2 ** attempt);
      }
    }
  }

  private failureOf(name: string, call: GraphCall, error: unknown): GraphFailure {
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof StepCallError)) return { code: 'step_failed', step: name, message: `step '${name}' (${call.deployment}) failed: ${message}` };
    if (error.kind === 'timeout')
      return { code: 'step_timeout', step: name, message: `step '${name}' (${call.deployment}) did not answer within ${call.timeoutMs} ms` };
    if (error.kind === 'refused') return { code: 'bad_request', step: name, message: `step '${name}' (${call.deployment}) refused its input: ${message}` };
    return { code: 'step_failed', step: name, message: `step '${name}' (${call.deployment}) failed: ${message}` };
  }
}
