import { z } from 'zod';
import { isTimeZone, scheduleProblem } from './cron-schedule';

/**
 * A deployment's desired state. Every change is stored as a new immutable revision; the
 * controller converges what runs towards the target revision with the spec's strategy.
 */

export const variantRoles = ['primary', 'candidate', 'shadow'] as const;
export type VariantRole = (typeof variantRoles)[number];

export const variantNameSchema = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/, 'lowercase letters, digits and dashes, at most 40 characters');

/**
 * Requests in flight per replica the autoscaler aims for: the throughput knee of a replica, measured with
 * `npm run bench autoscale` (the iris model on one intra-op thread, 2 cores shared with the load): with
 * dynamic batching, throughput keeps rising to about 90 % of its best at 32 requests in flight (p99 9 ms),
 * and falls beyond 64. Models with slower runs reach their knee sooner: lower it for them.
 */
export const DEFAULT_TARGET_ONGOING_REQUESTS = 32;

/** The most replicas one variant may run, wherever a count is written (create, update, scale, autoscaling, a file in git). */
export const MAX_REPLICAS = 64;
/** The most schedule entries one autoscaler may have. */
export const MAX_SCHEDULES = 16;
/** A replica count; 0 only where a variant may sleep (callers add `.min(1)` elsewhere). */
export const replicaCountSchema = z.number().int().min(0).max(MAX_REPLICAS);

/** Bounds for a period: from each `cron` fire (in `timeZone`) until the next entry's fire. */
export const scalingScheduleSchema = z
  .object({
    cron: z.string().min(9).max(100),
    timeZone: z.string().min(1).max(64).default('UTC'),
    minReplicas: replicaCountSchema,
    maxReplicas: replicaCountSchema.min(1).optional(),
  })
  .superRefine((entry, ctx) => {
    if (!isTimeZone(entry.timeZone)) {
      ctx.addIssue({ code: 'custom', message: `'${entry.timeZone}' is not a time zone: choose one such as UTC or Europe/Paris`, path: ['timeZone'] });
    }
    const problem = scheduleProblem(entry.cron, entry.timeZone);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['cron'] });
  });
export type ScalingSchedule = z.infer<typeof scalingScheduleSchema>;

/** The autoscaler's knobs' upper bounds (the lower ones are 0, and 1 s for the look-back), for forms to check against. */
export const AUTOSCALING_LIMITS = {
  targetOngoingRequests: 10_000,
  upscaleDelaySeconds: 3_600,
  downscaleDelaySeconds: 86_400,
  scaleToZeroDelaySeconds: 86_400,
  lookBackSeconds: 600,
};

/** Ray Serve's knobs, with its names and meanings (camelCase): users recognise them. */
export const autoscalingSchema = z
  .object({
    minReplicas: replicaCountSchema.default(1),
    maxReplicas: replicaCountSchema.min(1).default(4),
    initialReplicas: replicaCountSchema.optional(),
    targetOngoingRequests: z.number().positive().max(AUTOSCALING_LIMITS.targetOngoingRequests).default(DEFAULT_TARGET_ONGOING_REQUESTS),
    upscaleDelaySeconds: z.number().min(0).max(AUTOSCALING_LIMITS.upscaleDelaySeconds).default(3),
    downscaleDelaySeconds: z.number().min(0).max(AUTOSCALING_LIMITS.downscaleDelaySeconds).default(60),
    /** Idle this long (nothing in flight) with minReplicas 0: down to zero replicas. */
    scaleToZeroDelaySeconds: z.number().min(0).max(AUTOSCALING_LIMITS.scaleToZeroDelaySeconds).default(300),
    /** The load signal is averaged over this window. */
    lookBackSeconds: z.number().min(1).max(AUTOSCALING_LIMITS.lookBackSeconds).default(10),
    schedules: z.array(scalingScheduleSchema).max(MAX_SCHEDULES).default([]),
  })
  .refine((a) => a.minReplicas <= a.maxReplicas, { message: 'minReplicas must not exceed maxReplicas', path: ['minReplicas'] })
  .refine((a) => a.initialReplicas === undefined || (a.initialReplicas >= a.minReplicas && a.initialReplicas <= a.maxReplicas), {
    message: 'initialReplicas must lie within minReplicas..maxReplicas',
    path: ['initialReplicas'],
  });
export type Autoscaling = z.infer<typeof autoscalingSchema>;

export const variantSpecSchema = z.object({
  name: variantNameSchema,
  role: z.enum(variantRoles).default('primary'),
  /** The version by content: what runs is exactly these bytes, whatever labels say later. */
  versionDigest: z.string().regex(/^[a-f0-9]{64}$/),
  /** For people: v1, v2 … of the same model. */
  versionLabel: z.number().int().positive(),
  machineType: z.string().min(1),
  /** Fixed replica count; with `autoscaling`, the count it starts from (0 only when it may sleep). */
  replicas: replicaCountSchema,
  /** When set, the autoscaler moves the replica count within these bounds. */
  autoscaling: autoscalingSchema.optional(),
  /** Share of callers' requests, in percent; the non-shadow variants' weights sum to 100. */
  weight: z.number().int().min(0).max(100).default(0),
  /** Shadows only: percentage of requests mirrored to it; its answers never reach callers. */
  mirrorPercent: z.number().int().min(0).max(100).default(0),
});
export type VariantSpec = z.infer<typeof variantSpecSchema>;

export const canaryStepSchema = z.object({
  weight: z.number().int().min(1).max(100),
  bakeSeconds: z
    .number()
    .min(0)
    .max(24 * 3600),
});
export type CanaryStep = z.infer<typeof canaryStepSchema>;

export const guardrailsSchema = z.object({
  /** Absolute increase of the 5xx rate over the primary's that rolls back, e.g. 0.01 = one percentage point. */
  maxErrorRateIncrease: z.number().min(0).max(1).default(0.01),
  /** Candidate p99 may be at most this many times the primary's (plus 1 ms of slack). */
  maxP99Ratio: z.number().min(1).max(100).default(1.5),
  /** Requests the candidate must have answered in a step before the step can pass. */
  minRequests: z.number().int().min(1).max(1_000_000).default(50),
  /**
   * Off unless set: the candidate's accuracy (answers joined with feedback since the step began) may be at most
   * `maxDrop` below the primary's, judged once each side has `minLabels` labels.
   */
  accuracy: z
    .object({
      maxDrop: z.number().min(0).max(1).default(0.02),
      minLabels: z.number().int().min(1).max(1_000_000).default(200),
    })
    .optional(),
});

export const DEFAULT_CANARY_STEPS: CanaryStep[] = [10, 25, 50, 100].map((weight) => ({ weight, bakeSeconds: 300 }));

export const strategySchema = z.discriminatedUnion('type', [
  /** Start the new replicas, switch traffic in one routing update, drain and stop the old ones. */
  z.object({ type: z.literal('blue-green') }),
  /** Weight steps with a bake time each, gated by guardrails; a breach rolls back automatically. */
  z.object({
    type: z.literal('canary'),
    steps: z
      .array(canaryStepSchema)
      .min(1)
      .max(20)
      .default(DEFAULT_CANARY_STEPS)
      .refine((steps) => steps.every((s, i) => i === 0 || s.weight > steps[i - 1]!.weight), 'step weights must increase'),
    guardrails: guardrailsSchema.default(guardrailsSchema.parse({})),
    /**
     * While a step runs, a request the candidate fails (a 5xx or no answer) is sent once more to the primary, so callers
     * never see the candidate's failures; the guardrail still counts them. Inference must be idempotent (it is for models).
     */
    retryOnPrimary: z.boolean().default(true),
  }),
]);
export type Strategy = z.infer<typeof strategySchema>;

export const deploymentSpecSchema = z
  .object({
    variants: z.array(variantSpecSchema).min(1).max(8),
    strategy: strategySchema.default({ type: 'blue-green' }),
  })
  .superRefine((spec, ctx) => {
    for (const problem of specProblems(spec)) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  });
export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;

/** What is wrong with a spec, in words a caller can act on; empty when it is valid. */
export function specProblems(spec: { variants: VariantSpec[] }): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const names = new Set<string>();
  spec.variants.forEach((v, i) => {
    if (!v.autoscaling && v.replicas < 1)
      problems.push({ path: ['variants', i, 'replicas'], message: `${v.name} needs at least 1 replica (or autoscaling with minReplicas 0)` });
    if (v.autoscaling && (v.replicas < v.autoscaling.minReplicas || v.replicas > v.autoscaling.maxReplicas)) {
      problems.push({
        path: ['variants', i, 'replicas'],
        message: `${v.name}: replicas ${v.replicas} must lie within minReplicas..maxReplicas (${v.autoscaling.minReplicas}..${v.autoscaling.maxReplicas})`,
      });
    }
    if (names.has(v.name)) problems.push({ path: ['variants', i, 'name'], message: `variant name '${v.name}' is used twice` });
    names.add(v.name);
    if (v.role === 'shadow') {
      if (v.weight !== 0) problems.push({ path: ['variants', i, 'weight'], message: `shadow '${v.name}' never answers callers: its weight must be 0` });
      if (v.mirrorPercent < 1) problems.push({ path: ['variants', i, 'mirrorPercent'], message: `shadow '${v.name}' needs a mirrorPercent of 1..100` });
    } else if (v.mirrorPercent !== 0) {
      problems.push({ path: ['variants', i, 'mirrorPercent'], message: `only shadows are mirrored; '${v.name}' is a ${v.role}` });
    }
  });
  const serving = spec.variants.filter((v) => v.role !== 'shadow');
  const total = serving.reduce((sum, v) => sum + v.weight, 0);
  if (serving.length === 0) problems.push({ path: ['variants'], message: 'at least one variant must serve callers (a primary or a candidate)' });
  else if (total !== 100) {
    problems.push({
      path: ['variants'],
      message: `weights of the serving variants must sum to 100, not ${total} (${serving.map((v) => `${v.name} ${v.weight}`).join(', ')})`,
    });
  }
  return problems;
}

/** Identity of a variant's replica set: a new version or machine type means new replicas. */
export function templateOf(v: Pick<VariantSpec, 'name' | 'versionDigest' | 'machineType'>): string {
  return `${v.name}@${v.versionDigest.slice(0, 16)}@${v.machineType}`;
}

export function describeStrategy(s: Strategy): string {
  return s.type === 'canary' ? `canary ${s.steps.map((step) => `${step.weight}%/${step.bakeSeconds}s`).join(' → ')}` : 'blue-green';
}

/** A variant as an API caller writes it: anything left out keeps its current value (or a default for a new one). */
export interface VariantPatch {
  name: string;
  role?: VariantRole;
  version?: { digest: string; label: number };
  machineType?: string;
  replicas?: number;
  /** null turns autoscaling off. */
  autoscaling?: Autoscaling | null;
  weight?: number;
  mirrorPercent?: number;
}

/**
 * The next spec from the current one and a patch. `variants`, when given, is the complete new list
 * (a variant left out is removed); otherwise `change` edits one variant in place. The result still has
 * to pass `deploymentSpecSchema`, which says what is wrong with it.
 */
export function mergeSpec(
  current: DeploymentSpec,
  patch: { variants?: VariantPatch[]; change?: VariantPatch; strategy?: Strategy },
): { variants: Partial<VariantSpec>[]; strategy: Strategy } {
  const byName = new Map(current.variants.map((v) => [v.name, v]));
  const primary = current.variants.find((v) => v.role === 'primary') ?? current.variants[0]!;
  const merged = (p: VariantPatch): Partial<VariantSpec> => {
    const base = byName.get(p.name);
    const autoscaling = p.autoscaling === null ? undefined : (p.autoscaling ?? base?.autoscaling);
    const unclamped = p.replicas ?? base?.replicas ?? (autoscaling ? (autoscaling.initialReplicas ?? Math.max(1, autoscaling.minReplicas)) : 1);
    // New bounds carry the current count into them (an explicit `replicas` is validated as given).
    const replicas = autoscaling && p.replicas === undefined ? Math.min(autoscaling.maxReplicas, Math.max(autoscaling.minReplicas, unclamped)) : unclamped;
    return {
      name: p.name,
      role: p.role ?? base?.role ?? 'candidate',
      versionDigest: p.version?.digest ?? base?.versionDigest,
      versionLabel: p.version?.label ?? base?.versionLabel,
      machineType: p.machineType ?? base?.machineType ?? primary.machineType,
      replicas,
      autoscaling,
      weight: p.weight ?? base?.weight ?? 0,
      mirrorPercent: p.mirrorPercent ?? base?.mirrorPercent ?? 0,
    };
  };
  const variants = patch.variants
    ? patch.variants.map(merged)
    : current.variants.map((v) => (v.name === (patch.change?.name ?? primary.name) ? merged({ ...patch.change, name: v.name }) : v));
  // A strategy describes how one change rolls out: without one, an update is blue-green.
  return { variants, strategy: patch.strategy ?? { type: 'blue-green' } };
}
