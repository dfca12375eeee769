import { z } from 'zod';
import {
  autoscalingSchema,
  deploymentSpecSchema,
  replicaCountSchema,
  strategySchema,
  variantNameSchema,
  variantRoles,
  type DeploymentSpec,
  type VariantSpec,
} from './deployment-spec';
import { graphSpecSchema } from './graph/spec';
import { resourceNameSchema } from './names';
import type { ComputeUsage, QuotaVerdict } from './quota';
import type { FieldChange } from './spec-fields';

/**
 * Declarative deployments (GitOps): a file states what should run; the plan says, field by field,
 * what applying it would change. Everything here is pure: the server resolves names to versions
 * and machine types, then calls in.
 */

/** `sha256:<hex>` or the bare hex digest; stored bare. */
export const versionDigestRefSchema = z
  .string()
  .regex(/^(sha256:)?[a-f0-9]{64}$/, 'expected sha256:<64 hex digits>')
  .transform((d) => d.replace(/^sha256:/, ''));

export const declaredVariantSchema = z
  .strictObject({
    name: variantNameSchema,
    /** Default: the first variant is the primary, the others candidates. */
    role: z.enum(variantRoles).optional(),
    /** The version pinned by content (preferred in Git) … */
    versionDigest: versionDigestRefSchema.optional(),
    /** … or by its label (v1, v2 …). */
    versionLabel: z.number().int().positive().optional(),
    machineType: z.string().min(1),
    /** Fixed count; with autoscaling, the count to start from (default: the current one within the bounds). */
    replicas: replicaCountSchema.optional(),
    autoscaling: autoscalingSchema.optional(),
    /** Default: 100 when it is the only variant serving callers. */
    weight: z.number().int().min(0).max(100).optional(),
    /** Shadows only. */
    mirrorPercent: z.number().int().min(0).max(100).optional(),
  })
  .refine((v) => (v.versionLabel === undefined) !== (v.versionDigest === undefined), {
    message: 'give exactly one of versionDigest and versionLabel',
    path: ['versionDigest'],
  });
export type DeclaredVariant = z.infer<typeof declaredVariantSchema>;

export const declaredDeploymentSchema = z.strictObject({
  name: resourceNameSchema,
  /** The registered model the variants' versions belong to. */
  model: z.string().min(1),
  variants: z.array(declaredVariantSchema).min(1).max(8),
  /** How a change rolls out; blue-green when left out. */
  strategy: strategySchema.optional(),
});
export type DeclaredDeployment = z.infer<typeof declaredDeploymentSchema>;

/** The whole file (`slipway.deploy.yaml`), and the body of `POST /api/v1/plan` and `/apply`. */
export const deploymentFileSchema = z
  .strictObject({
    /** For editors: where the JSON Schema lives. */
    $schema: z.string().optional(),
    deployments: z.array(declaredDeploymentSchema).max(100),
    /** Graph deployments (issue 22): each type-checked against what its nodes serve, then served as a new revision when changed. */
    graphs: z
      .array(z.strictObject({ name: resourceNameSchema, spec: graphSpecSchema }))
      .max(100)
      .optional(),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.deployments.forEach((d, i) => {
      if (seen.has(d.name)) ctx.addIssue({ code: 'custom', path: ['deployments', i, 'name'], message: `deployment '${d.name}' is declared twice` });
      seen.add(d.name);
    });
    file.graphs?.forEach((g, i) => {
      if (seen.has(g.name)) ctx.addIssue({ code: 'custom', path: ['graphs', i, 'name'], message: `'${g.name}' is declared twice` });
      seen.add(g.name);
    });
  });
export type DeploymentFile = z.infer<typeof deploymentFileSchema>;
/** The file as written (digests with or without `sha256:`, defaults left out). */
export type DeploymentFileInput = z.input<typeof deploymentFileSchema>;

/** The JSON Schema editors complete the file with (committed as packages/core/slipway.deploy.schema.json, served at /api/v1/schemas/deploy). */
export function deploymentFileJsonSchema(): Record<string, unknown> {
  return { title: 'Slipway deployments (slipway.deploy.yaml)', ...z.toJSONSchema(deploymentFileSchema, { io: 'input', unrepresentable: 'any' }) };
}

export interface ResolvedVersion {
  digest: string;
  label: number;
}

/**
 * The spec a declared deployment stands for, once each variant's version is resolved. Left-out
 * fields take defaults, never the current value (the file is the whole truth), except an autoscaled
 * variant's starting count, which stays where it is within the bounds so applying twice changes nothing.
 */
export function declaredSpec(
  declared: DeclaredDeployment,
  versions: readonly ResolvedVersion[],
  current: DeploymentSpec | null,
): { ok: true; spec: DeploymentSpec } | { ok: false; problems: string[] } {
  const roles = declared.variants.map((v, i) => v.role ?? (i === 0 ? 'primary' : 'candidate'));
  const serving = roles.filter((r) => r !== 'shadow').length;
  const variants = declared.variants.map((v, i): Partial<VariantSpec> => {
    const role = roles[i]!;
    const running = current?.variants.find((c) => c.name === v.name);
    const a = v.autoscaling;
    const start = a ? Math.min(a.maxReplicas, Math.max(a.minReplicas, running?.replicas ?? a.initialReplicas ?? Math.max(1, a.minReplicas))) : 1;
    return {
      name: v.name,
      role,
      versionDigest: versions[i]!.digest,
      versionLabel: versions[i]!.label,
      machineType: v.machineType,
      replicas: v.replicas ?? start,
      autoscaling: a,
      weight: v.weight ?? (role !== 'shadow' && serving === 1 ? 100 : 0),
      mirrorPercent: v.mirrorPercent ?? 0,
    };
  });
  const parsed = deploymentSpecSchema.safeParse({ variants, strategy: declared.strategy });
  if (parsed.success) return { ok: true, spec: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)) };
}

/** A running spec as it would be declared: what `slipway export` writes. */
export function declarationOf(name: string, model: string, spec: DeploymentSpec): z.input<typeof declaredDeploymentSchema> {
  return {
    name,
    model,
    variants: spec.variants.map((v) => ({
      name: v.name,
      role: v.role,
      versionDigest: `sha256:${v.versionDigest}`,
      machineType: v.machineType,
      replicas: v.replicas,
      ...(v.autoscaling && { autoscaling: v.autoscaling }),
      weight: v.weight,
      ...(v.role === 'shadow' && { mirrorPercent: v.mirrorPercent }),
    })),
    strategy: spec.strategy,
  };
}

export type PlanAction = 'create' | 'update' | 'destroy' | 'none';

export function planAction(before: DeploymentSpec | null, after: DeploymentSpec | null, changes: readonly FieldChange[]): PlanAction {
  if (!before && after) return 'create';
  if (before && !after) return 'destroy';
  return changes.length ? 'update' : 'none';
}

/** Terraform's summary line: "Plan: 1 to add, 2 to change, 0 to destroy." */
export function planSummary(actions: readonly PlanAction[]): { add: number; change: number; destroy: number; line: string } {
  const count = (a: PlanAction) => actions.filter((x) => x === a).length;
  const add = count('create');
  const change = count('update');
  const destroy = count('destroy');
  const line = add + change + destroy === 0 ? 'No changes. What runs matches the file.' : `Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`;
  return { add, change, destroy, line };
}

/** One deployment of a plan, as `POST /api/v1/plan` answers it and `slipway diff` prints it. */
export interface PlannedDeployment {
  name: string;
  model: string;
  action: PlanAction;
  changes: FieldChange[];
  /** Dollars per hour at the fewest and the most replicas; null where nothing runs. */
  hourlyCost: { before: { min: number; max: number } | null; after: { min: number; max: number } | null };
  /** Worst-case compute, what the team's quota counts. */
  usage: { before: ComputeUsage | null; after: ComputeUsage | null };
  /** Whether the team's compute quota admits it beside the team's other deployments. */
  quota: QuotaVerdict;
}

/** The answer of `POST /api/v1/plan`; `/apply` adds what it wrote. */
export interface DeploymentPlan {
  deployments: PlannedDeployment[];
  summary: ReturnType<typeof planSummary>;
  hourlyCost: { before: { min: number; max: number }; after: { min: number; max: number } };
}

export interface AppliedPlan extends DeploymentPlan {
  /** The revision each deployment now converges to (null: stopped). */
  applied: { name: string; action: PlanAction; revision: number | null }[];
  /** Graph deployments of the file: created, updated (a new revision) or unchanged. */
  graphs?: { name: string; action: 'create' | 'update' | 'unchanged'; revision: number }[];
}
