import { z } from 'zod';
import { templateOf, type DeploymentSpec, type Strategy } from './deployment-spec';
import { liveWindowSchema } from './live-window';

/**
 * The strategies as small state machines. The controller stores a `RolloutState` while it moves a
 * deployment from its stable revision to its target revision, asks `decideRollout` for the next step,
 * carries it out, and stores the new state: a crash anywhere resumes from the stored state.
 */

export const rolloutStateSchema = z.object({
  /** The target revision this progress belongs to; a newer target starts over. */
  revision: z.number().int(),
  /** starting: target replicas come up; shifting: canary steps; draining: old replicas finish in-flight work. */
  phase: z.enum(['starting', 'shifting', 'draining']),
  step: z.number().int().default(-1),
  stepStartedAt: z.number().nullable().default(null),
  drainStartedAt: z.number().nullable().default(null),
  /** The current step has already said it is waiting for traffic (said once per step). */
  starved: z.boolean().default(false),
  /** A canary step's live window: the sets it judges and their counters when it began (null outside canary steps). */
  live: liveWindowSchema.nullable().default(null),
});
export type RolloutState = z.infer<typeof rolloutStateSchema>;

export function initialRolloutState(revision: number): RolloutState {
  return { revision, phase: 'starting', step: -1, stepStartedAt: null, drainStartedAt: null, starved: false, live: null };
}

/** Share of the target spec's traffic in effect for a state: 0 before the switch, 1 after it. */
export function targetFraction(strategy: Strategy, state: RolloutState): number {
  if (state.phase === 'starting') return 0;
  if (state.phase === 'draining' || strategy.type !== 'canary') return 1;
  return (strategy.steps[Math.max(0, state.step)]?.weight ?? 100) / 100;
}

export interface TrafficShare {
  weight: number;
  mirrorPercent: number;
}

/**
 * Traffic per replica set (template key) at `fraction` of the way from `stable` to `target`:
 * weights are (1 − f)·stable + f·target, rounded to integers that still sum to 100 (largest
 * remainder). Shadows of the target mirror once their replicas run; shadows only in the stable
 * spec keep mirroring until the switch completes.
 */
export function blendTraffic(stable: DeploymentSpec | null, target: DeploymentSpec, fraction: number): Map<string, TrafficShare> {
  const f = stable ? Math.min(1, Math.max(0, fraction)) : 1;
  const exact = new Map<string, number>();
  const mirrors = new Map<string, number>();
  const add = (spec: DeploymentSpec, share: number, mirrorsToo: boolean) => {
    for (const v of spec.variants) {
      const key = templateOf(v);
      exact.set(key, (exact.get(key) ?? 0) + v.weight * share);
      if (mirrorsToo && v.mirrorPercent > 0) mirrors.set(key, v.mirrorPercent);
    }
  };
  if (stable) add(stable, 1 - f, f < 1);
  add(target, f, true);

  const floors = [...exact].map(([key, w]) => ({ key, weight: Math.floor(w + 1e-9), remainder: w - Math.floor(w + 1e-9) }));
  let missing = 100 - floors.reduce((sum, x) => sum + x.weight, 0);
  for (const x of [...floors].sort((a, b) => b.remainder - a.remainder)) {
    if (missing <= 0) break;
    if (x.remainder <= 1e-9) continue;
    x.weight++;
    missing--;
  }
  return new Map(floors.map((x) => [x.key, { weight: x.weight, mirrorPercent: mirrors.get(x.key) ?? 0 }]));
}

/** Replica sets that serve callers in the target but not in the stable spec: what a canary judges. */
export function splitForJudgement(stable: DeploymentSpec | null, target: DeploymentSpec): { candidates: string[]; baselines: string[] } {
  const serving = (spec: DeploymentSpec | null) => new Set((spec?.variants ?? []).filter((v) => v.weight > 0).map(templateOf));
  const before = serving(stable);
  const after = serving(target);
  const candidates = [...after].filter((k) => !before.has(k));
  const replaced = [...before].filter((k) => !after.has(k));
  return { candidates, baselines: replaced.length > 0 ? replaced : [...before] };
}

export type GuardrailOutcome = { outcome: 'pass' } | { outcome: 'fail'; message: string } | { outcome: 'insufficient'; message: string };

export type RolloutDecision =
  /** Target replicas are not all ready yet: make them so, then ask again. */
  | { kind: 'await-replicas' }
  /** Store the state and publish the traffic it implies. */
  | { kind: 'advance'; state: RolloutState; event: string }
  /** Nothing to do until then (bake or drain time). */
  | { kind: 'wait'; ms: number; state?: RolloutState; event?: string }
  /** Evaluate the step's guardrails over [since, now] (on live counters) and ask again with the verdict. */
  | { kind: 'judge'; since: number }
  | { kind: 'paused' }
  | { kind: 'rollback'; reason: string }
  /** Old replica sets drained: stop them and mark the target revision stable. */
  | { kind: 'finish' };

/** How long a starved canary step waits before looking at its traffic again. */
const RECHECK_MS = 2_000;
/**
 * A baking step looks at its live counters at least this often (gateways also nudge the controller as soon as a
 * candidate fails), so a breach rolls back within a second or two instead of at the end of the bake.
 */
export const LIVE_RECHECK_MS = 1_000;

export function decideRollout(input: {
  strategy: Strategy;
  state: RolloutState;
  /** Set by people on the deployment, not by the controller (so neither overwrites the other). */
  paused: boolean;
  /** A person promoted the canary: skip the remaining steps. */
  promoted: boolean;
  targetReady: boolean;
  now: number;
  drainMs: number;
  verdict?: GuardrailOutcome;
}): RolloutDecision {
  const { strategy, state, now } = input;
  const switchAll = (event: string): RolloutDecision => ({
    kind: 'advance',
    state: { ...state, phase: 'draining', drainStartedAt: now },
    event,
  });
  if (state.phase === 'starting') {
    if (!input.targetReady) return { kind: 'await-replicas' };
    if (strategy.type !== 'canary') return switchAll('All new replicas are ready: traffic switched in one routing update');
    if (input.promoted) return switchAll('Promoted: all traffic switched to the new revision');
    return { kind: 'advance', state: { ...state, phase: 'shifting', step: 0, stepStartedAt: now, starved: false }, event: canaryStepEvent(strategy, 0) };
  }
  if (state.phase === 'shifting' && strategy.type === 'canary') {
    if (input.promoted) return switchAll('Promoted: all traffic switched to the new revision');
    if (input.paused) return { kind: 'paused' };
    const step = strategy.steps[state.step] ?? strategy.steps[strategy.steps.length - 1]!;
    const bakedAt = (state.stepStartedAt ?? now) + step.bakeSeconds * 1000;
    // Judged on every look, baked or not: a breach rolls back at once; passing needs the bake time too.
    if (!input.verdict) return { kind: 'judge', since: state.stepStartedAt ?? now };
    if (input.verdict.outcome === 'fail') return { kind: 'rollback', reason: `guardrail breached at ${step.weight}%: ${input.verdict.message}` };
    if (now < bakedAt) return { kind: 'wait', ms: Math.min(bakedAt - now, LIVE_RECHECK_MS) };
    if (input.verdict.outcome === 'insufficient') {
      if (state.starved) return { kind: 'wait', ms: RECHECK_MS };
      return {
        kind: 'wait',
        ms: RECHECK_MS,
        state: { ...state, starved: true },
        event: `Step ${step.weight}% is waiting for traffic: ${input.verdict.message}`,
      };
    }
    const next = state.step + 1;
    if (next >= strategy.steps.length) return switchAll(`Step ${step.weight}% passed its guardrails: promoted to 100%`);
    return {
      kind: 'advance',
      state: { ...state, step: next, stepStartedAt: now, starved: false },
      event: `Step ${step.weight}% passed its guardrails. ${canaryStepEvent(strategy, next)}`,
    };
  }
  // Draining: gateways have the new table; give requests already sent to old replicas time to finish.
  const drainedAt = (state.drainStartedAt ?? now) + input.drainMs;
  if (now < drainedAt) return { kind: 'wait', ms: drainedAt - now };
  return { kind: 'finish' };
}

function canaryStepEvent(strategy: Extract<Strategy, { type: 'canary' }>, index: number): string {
  const step = strategy.steps[index]!;
  return `Canary step ${index + 1}/${strategy.steps.length}: ${step.weight}% of traffic to the new revision, baking ${step.bakeSeconds} s`;
}
