import { describe, expect, it } from 'vitest';
import { boundsAt, decideScale, INITIAL_SCALE_STATE, nextTransitions, type ScaleInput } from './autoscaler';
import { autoscalingSchema, deploymentSpecSchema } from './deployment-spec';

const config = autoscalingSchema.parse({ minReplicas: 1, maxReplicas: 6, targetOngoingRequests: 8, upscaleDelaySeconds: 3, downscaleDelaySeconds: 60 });
const base: ScaleInput = { config, bounds: { min: 1, max: 6 }, current: 2, starting: 0, load: 16, now: 0, state: INITIAL_SCALE_STATE, quotaMax: Infinity };

/** Feeds the same load every second for `seconds`, carrying the decision forward as the worker does. */
function run(input: ScaleInput, seconds: number, load: number | ((t: number) => number)) {
  let { current, state } = input;
  const changes: { t: number; desired: number; reason?: string }[] = [];
  for (let t = input.now; t <= input.now + seconds * 1000; t += 1000) {
    const decision = decideScale({ ...input, current, state, now: t, load: typeof load === 'function' ? load(t) : load });
    if (decision.desired !== current) changes.push({ t, desired: decision.desired, reason: decision.reason });
    current = decision.desired;
    state = decision.state;
  }
  return { current, changes };
}

describe('decideScale', () => {
  it('scales up once the load has asked for it for upscaleDelaySeconds, to ceil(load / target)', () => {
    const { changes } = run(base, 10, 37);
    expect(changes).toEqual([{ t: 3000, desired: 5, reason: 'scaled 2 → 5: 37 request(s) in flight, target 8 per replica' }]);
  });

  it('scales down slowly, never below the minimum, and not while a replica starts', () => {
    const { changes } = run({ ...base, current: 5 }, 120, 3);
    expect(changes).toEqual([{ t: 60_000, desired: 1, reason: 'scaled 5 → 1: 3 request(s) in flight, target 8 per replica' }]);
    expect(decideScale({ ...base, current: 5, load: 3, starting: 1, state: { ...INITIAL_SCALE_STATE, downSince: -100_000 } }).desired).toBe(5);
  });

  it('does not flap under a steady load near a boundary', () => {
    // 23 in flight with target 8: three replicas; noise of ±1 request must not move it.
    const { changes } = run({ ...base, current: 3 }, 600, (t) => 23 + ((t / 1000) % 2 === 0 ? 1 : -1));
    expect(changes).toEqual([]);
  });

  it('goes to zero only after scaleToZeroDelaySeconds of idleness, and wakes at once', () => {
    const zero = autoscalingSchema.parse({ minReplicas: 0, maxReplicas: 4, scaleToZeroDelaySeconds: 30, downscaleDelaySeconds: 5 });
    const idle = run({ ...base, config: zero, bounds: { min: 0, max: 4 }, current: 1 }, 40, 0);
    expect(idle.changes).toEqual([{ t: 30_000, desired: 0, reason: 'scaled 1 → 0: idle for 30 s' }]);
    const woken = decideScale({ ...base, config: zero, bounds: { min: 0, max: 4 }, current: 0, load: 1 });
    expect(woken).toMatchObject({ desired: 1, reason: 'scaled 0 → 1: 1 request(s) in flight, target 32 per replica' });
  });

  it('stops at the quota and says so', () => {
    const decision = decideScale({ ...base, current: 3, load: 60, quotaMax: 3 });
    expect(decision).toMatchObject({
      desired: 3,
      blockedByQuota: true,
      reason: "would scale 3 → 6 (60 request(s) in flight, target 8 per replica) but the team's compute quota leaves room for 3",
    });
  });
});

describe('schedules', () => {
  const scheduled = autoscalingSchema.parse({
    minReplicas: 0,
    maxReplicas: 6,
    schedules: [
      { cron: '0 8 * * 1-5', timeZone: 'Europe/Ljubljana', minReplicas: 2 },
      { cron: '0 18 * * 1-5', timeZone: 'Europe/Ljubljana', minReplicas: 0 },
    ],
  });

  it('applies the bounds of the entry that fired last, in its time zone', () => {
    // Tuesday 1 December 2026: 08:00 in Ljubljana is 07:00 UTC.
    expect(boundsAt(scheduled, Date.parse('2026-12-01T06:59:00Z'))).toEqual({ min: 0, max: 6, schedule: 1 });
    expect(boundsAt(scheduled, Date.parse('2026-12-01T07:00:00Z'))).toEqual({ min: 2, max: 6, schedule: 0 });
    expect(boundsAt(scheduled, Date.parse('2026-12-05T12:00:00Z'))).toEqual({ min: 0, max: 6, schedule: 1 });
  });

  it('lists the next transitions', () => {
    expect(nextTransitions(scheduled, Date.parse('2026-12-04T12:00:00Z'), 3)).toEqual([
      { at: '2026-12-04T17:00:00.000Z', minReplicas: 0, maxReplicas: 6 },
      { at: '2026-12-07T07:00:00.000Z', minReplicas: 2, maxReplicas: 6 },
      { at: '2026-12-07T17:00:00.000Z', minReplicas: 0, maxReplicas: 6 },
    ]);
  });

  it('refuses a schedule that does not parse, saying why', () => {
    const spec = deploymentSpecSchema.safeParse({
      variants: [
        {
          name: 'primary',
          versionDigest: 'a'.repeat(64),
          versionLabel: 1,
          machineType: 'cpu-small',
          replicas: 1,
          weight: 100,
          autoscaling: { schedules: [{ cron: '0 25 * * *', minReplicas: 1 }] },
        },
      ],
    });
    expect(spec.success).toBe(false);
    expect(spec.error!.issues[0]!.message).toBe(
      "'0 25 * * *' is not a schedule: write five fields, minute hour day-of-month month weekday, e.g. '0 8 * * 1-5' for 08:00 on weekdays.",
    );
  });
});
