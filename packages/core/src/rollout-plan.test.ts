import { describe, expect, it } from 'vitest';
import { deploymentSpecSchema, templateOf, type DeploymentSpec } from './deployment-spec';
import { blendTraffic, decideRollout, initialRolloutState, LIVE_RECHECK_MS, splitForJudgement, targetFraction } from './rollout-plan';

const v = (label: number, extra: object = {}) => ({
  name: 'primary',
  versionDigest: String(label).repeat(64),
  versionLabel: label,
  machineType: 'cpu-small',
  replicas: 1,
  weight: 100,
  ...extra,
});
const stable: DeploymentSpec = deploymentSpecSchema.parse({ variants: [v(1)] });
const canarySteps = [
  { weight: 10, bakeSeconds: 60 },
  { weight: 50, bakeSeconds: 60 },
];
const target: DeploymentSpec = deploymentSpecSchema.parse({ variants: [v(2)], strategy: { type: 'canary', steps: canarySteps } });
const old = templateOf(stable.variants[0]!);
const next = templateOf(target.variants[0]!);

describe('blendTraffic', () => {
  it('moves weight from the stable replica set to the new one in proportion, summing to 100', () => {
    expect(blendTraffic(stable, target, 0.1)).toEqual(
      new Map([
        [old, { weight: 90, mirrorPercent: 0 }],
        [next, { weight: 10, mirrorPercent: 0 }],
      ]),
    );
    expect(blendTraffic(stable, target, 1).get(old)).toEqual({ weight: 0, mirrorPercent: 0 });
    const ab = deploymentSpecSchema.parse({ variants: [v(1, { weight: 33 }), v(2, { name: 'b', role: 'candidate', weight: 67 })] });
    const shares = [...blendTraffic(stable, ab, 0.5).values()].map((s) => s.weight);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('starts a new shadow mirroring with the target and drops one only after the switch', () => {
    const withShadow = deploymentSpecSchema.parse({ variants: [v(1), v(3, { name: 'shadow', role: 'shadow', weight: 0, mirrorPercent: 25 })] });
    const shadowKey = templateOf(withShadow.variants[1]!);
    expect(blendTraffic(stable, withShadow, 0).get(shadowKey)).toEqual({ weight: 0, mirrorPercent: 25 });
    expect(blendTraffic(withShadow, stable, 0.5).get(shadowKey)).toEqual({ weight: 0, mirrorPercent: 25 });
    expect(blendTraffic(withShadow, stable, 1).get(shadowKey)).toEqual({ weight: 0, mirrorPercent: 0 });
  });

  it('judges the new replica set against the one it replaces', () => {
    expect(splitForJudgement(stable, target)).toEqual({ candidates: [next], baselines: [old] });
  });
});

describe('decideRollout', () => {
  const base = { strategy: target.strategy, paused: false, promoted: false, drainMs: 2_000, targetReady: true };
  it('waits for replicas, then walks the canary steps with bake times, judging each', () => {
    const start = initialRolloutState(2);
    expect(decideRollout({ ...base, state: start, targetReady: false, now: 0 })).toEqual({ kind: 'await-replicas' });
    const first = decideRollout({ ...base, state: start, now: 1_000 });
    expect(first.kind).toBe('advance');
    const s1 = (first as { state: typeof start }).state;
    expect(targetFraction(target.strategy, s1)).toBe(0.1);
    // Baking: judged on every look, and looked at again within a second while the step bakes.
    expect(decideRollout({ ...base, state: s1, now: 30_000 })).toEqual({ kind: 'judge', since: 1_000 });
    expect(decideRollout({ ...base, state: s1, now: 30_000, verdict: { outcome: 'pass' } })).toEqual({ kind: 'wait', ms: LIVE_RECHECK_MS });
    expect(decideRollout({ ...base, state: s1, now: 60_500, verdict: { outcome: 'insufficient', message: '3 of 50' } })).toEqual({ kind: 'wait', ms: 500 });
    expect(decideRollout({ ...base, state: s1, now: 61_000 })).toEqual({ kind: 'judge', since: 1_000 });
    const second = decideRollout({ ...base, state: s1, now: 61_000, verdict: { outcome: 'pass' } });
    const s2 = (second as { state: typeof start }).state;
    expect(targetFraction(target.strategy, s2)).toBe(0.5);
    const last = decideRollout({ ...base, state: s2, now: 121_000, verdict: { outcome: 'pass' } });
    expect(last).toMatchObject({ kind: 'advance', state: { phase: 'draining', drainStartedAt: 121_000 } });
    const draining = (last as { state: typeof start }).state;
    expect(decideRollout({ ...base, state: draining, now: 122_000 })).toEqual({ kind: 'wait', ms: 1_000 });
    expect(decideRollout({ ...base, state: draining, now: 123_000 })).toEqual({ kind: 'finish' });
  });

  it('rolls back on a breached guardrail, holds when paused, and jumps to the end when promoted', () => {
    const s1 = { ...initialRolloutState(2), phase: 'shifting' as const, step: 0, stepStartedAt: 0 };
    expect(decideRollout({ ...base, state: s1, now: 60_000, verdict: { outcome: 'fail', message: 'error rate 9%' } })).toEqual({
      kind: 'rollback',
      reason: 'guardrail breached at 10%: error rate 9%',
    });
    // A breach found while the step still bakes rolls back at once, not at the end of the bake.
    expect(decideRollout({ ...base, state: s1, now: 1_500, verdict: { outcome: 'fail', message: 'error rate 100%' } })).toEqual({
      kind: 'rollback',
      reason: 'guardrail breached at 10%: error rate 100%',
    });
    expect(decideRollout({ ...base, state: s1, paused: true, now: 60_000 })).toEqual({ kind: 'paused' });
    expect(decideRollout({ ...base, state: s1, promoted: true, now: 1 })).toMatchObject({ kind: 'advance', state: { phase: 'draining' } });
  });

  it('says once per step that it waits for traffic', () => {
    const s1 = { ...initialRolloutState(2), phase: 'shifting' as const, step: 0, stepStartedAt: 0 };
    const first = decideRollout({ ...base, state: s1, now: 60_000, verdict: { outcome: 'insufficient', message: '3 of 50' } });
    expect(first).toMatchObject({ kind: 'wait', event: 'Step 10% is waiting for traffic: 3 of 50', state: { starved: true } });
    const again = decideRollout({ ...base, state: { ...s1, starved: true }, now: 62_000, verdict: { outcome: 'insufficient', message: '3 of 50' } });
    expect(again).toEqual({ kind: 'wait', ms: 2_000 });
  });

  it('switches blue-green in one step once every new replica is ready', () => {
    const bg = { ...base, strategy: { type: 'blue-green' as const } };
    expect(decideRollout({ ...bg, state: initialRolloutState(2), now: 5 })).toMatchObject({ kind: 'advance', state: { phase: 'draining', drainStartedAt: 5 } });
  });
});
