import { AUTOSCALING_LIMITS as LIMITS, autoscalingSchema, isTimeZone, MAX_REPLICAS, MAX_SCHEDULES, nextTransitions, scheduleProblem } from '@slipway/core';
import type { VariantDraft as SizedDraft } from '@/lib/client/quota';
import type { Autoscaling, ScalingTransition, VariantSpec } from '@/lib/client/types';

/** The server's defaults for the knobs a user leaves alone (Ray Serve's meanings, Slipway's values). */
export const AUTOSCALING_DEFAULTS: Autoscaling = autoscalingSchema.parse({});

export interface ScheduleDraft {
  /** Tells React which row is which: stable for rows from the spec, so a refetch does not remount them. */
  key: string;
  cron: string;
  timeZone: string;
  minReplicas: string;
  /** Empty: the autoscaler's max replicas. */
  maxReplicas: string;
}

/** The knobs as typed; `toScalingUpdate` turns them into the API's PATCH body. */
export interface ScalingDraft {
  mode: 'fixed' | 'autoscale';
  replicas: string;
  minReplicas: string;
  maxReplicas: string;
  /** Empty: start at min replicas (at least 1), as the server does. */
  initialReplicas: string;
  targetOngoingRequests: string;
  upscaleDelaySeconds: string;
  downscaleDelaySeconds: string;
  scaleToZeroDelaySeconds: string;
  lookBackSeconds: string;
  schedules: ScheduleDraft[];
}

export type KnobName = Exclude<keyof ScalingDraft, 'mode' | 'replicas' | 'schedules'>;

let nextKey = 0;

export function newSchedule(entry?: Partial<Autoscaling['schedules'][number]>, key = `new:${nextKey++}`): ScheduleDraft {
  return {
    key,
    cron: entry?.cron ?? '0 8 * * 1-5',
    timeZone: entry?.timeZone ?? browserTimeZone(),
    minReplicas: String(entry?.minReplicas ?? 1),
    maxReplicas: entry?.maxReplicas === undefined ? '' : String(entry.maxReplicas),
  };
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** What the variant runs now: its knobs when it autoscales, else its count with the defaults ready to switch on. */
export function draftFromSpec(variant: VariantSpec): ScalingDraft {
  const a = variant.autoscaling;
  const knobs = a ?? { ...AUTOSCALING_DEFAULTS, maxReplicas: Math.max(AUTOSCALING_DEFAULTS.maxReplicas, variant.replicas) };
  return {
    mode: a ? 'autoscale' : 'fixed',
    replicas: String(Math.max(1, variant.replicas)),
    minReplicas: String(knobs.minReplicas),
    maxReplicas: String(knobs.maxReplicas),
    initialReplicas: knobs.initialReplicas === undefined ? '' : String(knobs.initialReplicas),
    targetOngoingRequests: String(knobs.targetOngoingRequests),
    upscaleDelaySeconds: String(knobs.upscaleDelaySeconds),
    downscaleDelaySeconds: String(knobs.downscaleDelaySeconds),
    scaleToZeroDelaySeconds: String(knobs.scaleToZeroDelaySeconds),
    lookBackSeconds: String(knobs.lookBackSeconds),
    schedules: knobs.schedules.map((s, i) => newSchedule(s, `spec:${i}`)),
  };
}

const isWhole = (text: string, min: number, max: number) => /^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= max;
const isNumber = (text: string, min: number, max: number) => text.trim() !== '' && Number.isFinite(Number(text)) && Number(text) >= min && Number(text) <= max;
const isPositive = (text: string, max: number) => isNumber(text, 0, max) && Number(text) > 0;

/** What a schedule row's cron and time zone get wrong, in the server's words when it is the cron. */
function scheduleRowProblems(row: ScheduleDraft, index: number, maxReplicas: number | null): string[] {
  const which = `Schedule ${index + 1}`;
  const problems: string[] = [];
  const cron = row.cron.trim();
  const timeZone = row.timeZone.trim();
  if (!isTimeZone(timeZone)) problems.push(`${which}: '${timeZone}' is not a time zone; use an IANA name such as Europe/Ljubljana or UTC.`);
  const fields = cron.split(/\s+/).filter(Boolean).length;
  if (fields < 5 || fields > 6) problems.push(`${which}: a cron has five fields (minute hour day month weekday), e.g. 0 8 * * 1-5.`);
  else if (isTimeZone(timeZone)) {
    const problem = scheduleProblem(cron, timeZone);
    if (problem) problems.push(`${which}: ${problem}`);
  }
  if (!isWhole(row.minReplicas, 0, MAX_REPLICAS)) problems.push(`${which}: min replicas must be a whole number from 0 to ${MAX_REPLICAS}.`);
  if (row.maxReplicas.trim() !== '' && !isWhole(row.maxReplicas, 1, MAX_REPLICAS)) {
    problems.push(`${which}: max replicas must be a whole number from 1 to ${MAX_REPLICAS}, or empty for the autoscaler's.`);
  }
  const max = row.maxReplicas.trim() === '' ? maxReplicas : Number(row.maxReplicas);
  if (max !== null && isWhole(row.minReplicas, 0, MAX_REPLICAS) && Number(row.minReplicas) > max) {
    problems.push(`${which}: min replicas ${row.minReplicas} is above its max of ${max}.`);
  }
  return problems;
}

/** Everything to fix before the server would accept the draft, in reading order; empty when nothing is. */
export function scalingProblems(draft: ScalingDraft): string[] {
  if (draft.mode === 'fixed') {
    return isWhole(draft.replicas, 1, MAX_REPLICAS) ? [] : [`Replica count must be a whole number from 1 to ${MAX_REPLICAS}.`];
  }
  const problems: string[] = [];
  const minOk = isWhole(draft.minReplicas, 0, MAX_REPLICAS);
  const maxOk = isWhole(draft.maxReplicas, 1, MAX_REPLICAS);
  if (!minOk) problems.push(`Min replicas must be a whole number from 0 to ${MAX_REPLICAS}.`);
  if (!maxOk) problems.push(`Max replicas must be a whole number from 1 to ${MAX_REPLICAS}.`);
  if (minOk && maxOk && Number(draft.minReplicas) > Number(draft.maxReplicas)) {
    problems.push(`Min replicas (${draft.minReplicas}) must not exceed max replicas (${draft.maxReplicas}).`);
  }
  if (draft.initialReplicas.trim() !== '') {
    const within = minOk && maxOk && isWhole(draft.initialReplicas, Number(draft.minReplicas), Number(draft.maxReplicas));
    if (!within) problems.push('Initial replicas must lie within min and max replicas, or be empty.');
  }
  if (!isPositive(draft.targetOngoingRequests, LIMITS.targetOngoingRequests)) {
    problems.push(`Target ongoing requests must be above 0 and at most ${LIMITS.targetOngoingRequests.toLocaleString('en')}.`);
  }
  if (!isNumber(draft.upscaleDelaySeconds, 0, LIMITS.upscaleDelaySeconds)) problems.push(`Upscale delay: 0 to ${LIMITS.upscaleDelaySeconds} seconds.`);
  if (!isNumber(draft.downscaleDelaySeconds, 0, LIMITS.downscaleDelaySeconds)) problems.push(`Downscale delay: 0 to ${LIMITS.downscaleDelaySeconds} seconds.`);
  if (!isNumber(draft.scaleToZeroDelaySeconds, 0, LIMITS.scaleToZeroDelaySeconds)) {
    problems.push(`Scale-to-zero delay: 0 to ${LIMITS.scaleToZeroDelaySeconds} seconds.`);
  }
  if (!isNumber(draft.lookBackSeconds, 1, LIMITS.lookBackSeconds)) problems.push(`Look-back period: 1 to ${LIMITS.lookBackSeconds} seconds.`);
  if (draft.schedules.length > MAX_SCHEDULES) problems.push(`At most ${MAX_SCHEDULES} schedule entries.`);
  const max = maxOk ? Number(draft.maxReplicas) : null;
  for (const [i, row] of draft.schedules.entries()) problems.push(...scheduleRowProblems(row, i, max));
  return problems;
}

/** The autoscaling object the API takes; throws the first problem. */
export function toAutoscaling(draft: ScalingDraft): Autoscaling {
  const [problem] = scalingProblems({ ...draft, mode: 'autoscale' });
  if (problem) throw new Error(problem);
  return {
    minReplicas: Number(draft.minReplicas),
    maxReplicas: Number(draft.maxReplicas),
    ...(draft.initialReplicas.trim() !== '' && { initialReplicas: Number(draft.initialReplicas) }),
    targetOngoingRequests: Number(draft.targetOngoingRequests),
    upscaleDelaySeconds: Number(draft.upscaleDelaySeconds),
    downscaleDelaySeconds: Number(draft.downscaleDelaySeconds),
    scaleToZeroDelaySeconds: Number(draft.scaleToZeroDelaySeconds),
    lookBackSeconds: Number(draft.lookBackSeconds),
    schedules: draft.schedules.map((s) => ({
      cron: s.cron.trim().replace(/\s+/g, ' '),
      timeZone: s.timeZone.trim(),
      minReplicas: Number(s.minReplicas),
      ...(s.maxReplicas.trim() !== '' && { maxReplicas: Number(s.maxReplicas) }),
    })),
  };
}

/** PATCH's one-variant shorthand: a fixed count turns autoscaling off; otherwise the knobs. */
export function toScalingUpdate(variant: string, draft: ScalingDraft) {
  if (draft.mode === 'fixed') {
    const [problem] = scalingProblems(draft);
    if (problem) throw new Error(problem);
    return { variant, replicas: Number(draft.replicas), autoscaling: null };
  }
  const autoscaling = toAutoscaling(draft);
  // The server keeps a running variant's count (within the bounds): an initial count has to be asked for.
  return { variant, autoscaling, ...(autoscaling.initialReplicas !== undefined && { replicas: autoscaling.initialReplicas }) };
}

/** The bounds the schedules would move to next, as typed (null while the draft has problems). */
export function previewTransitions(draft: ScalingDraft, now: number): ScalingTransition[] | null {
  if (draft.mode !== 'autoscale' || draft.schedules.length === 0 || scalingProblems(draft).length > 0) return null;
  return nextTransitions(toAutoscaling(draft), now, 3);
}

/** A spec variant's size for the quota estimate: its peak under every schedule, its floor at min replicas. */
export function sizeOfSpec(v: VariantSpec): SizedDraft {
  const a = v.autoscaling;
  if (!a) return { name: v.name, machineType: v.machineType, replicas: v.replicas };
  const peak = Math.max(a.maxReplicas, ...a.schedules.map((s) => s.maxReplicas ?? a.maxReplicas));
  return { name: v.name, machineType: v.machineType, replicas: v.replicas, minReplicas: a.minReplicas, maxReplicas: peak };
}

/** The drafted size of `variant`, or its current one while the draft has problems. */
export function sizeOfDraft(variant: VariantSpec, draft: ScalingDraft): SizedDraft {
  if (scalingProblems(draft).length > 0) return sizeOfSpec(variant);
  if (draft.mode === 'fixed') return { name: variant.name, machineType: variant.machineType, replicas: Number(draft.replicas) };
  return sizeOfSpec({ ...variant, autoscaling: toAutoscaling(draft) });
}
