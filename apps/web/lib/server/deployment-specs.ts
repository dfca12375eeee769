import {
  autoscalingSchema,
  deploymentSpecSchema,
  mergeSpec,
  replicaCountSchema,
  resourceNameSchema,
  strategySchema,
  variantNameSchema,
  variantRoles,
  versionDigestRefSchema,
  type DeploymentSpec,
  type VariantPatch,
} from '@slipway/core';
import { z } from 'zod';
import { serverContext } from './context';
import { ApiError, fieldError, notFound, validationError } from './errors';

/** A version by label (v1, v2 …) or pinned by content (GitOps): at most one of the two. */
const versionRef = {
  versionLabel: z.number().int().positive().optional(),
  versionDigest: versionDigestRefSchema.optional(),
};

/** A variant as callers write it; what they leave out keeps its current value. */
export const variantInputSchema = z
  .object({
    name: variantNameSchema,
    role: z.enum(variantRoles).optional(),
    ...versionRef,
    machineType: z.string().min(1).optional(),
    replicas: replicaCountSchema.optional(),
    /** Ray Serve's autoscaling knobs; null turns autoscaling off. */
    autoscaling: autoscalingSchema.nullable().optional(),
    weight: z.number().int().min(0).max(100).optional(),
    mirrorPercent: z.number().int().min(0).max(100).optional(),
  })
  .refine((v) => v.versionLabel === undefined || v.versionDigest === undefined, {
    message: 'give versionLabel or versionDigest, not both',
    path: ['versionLabel'],
  });
type VariantInput = z.infer<typeof variantInputSchema>;

export const updateDeploymentSchema = z
  .object({
    /** Shorthand for one variant (default: the primary): a new version, machine type or replica count. */
    variant: variantNameSchema.optional(),
    ...versionRef,
    machineType: z.string().min(1).optional(),
    replicas: replicaCountSchema.optional(),
    autoscaling: autoscalingSchema.nullable().optional(),
    /** Or the complete list of variants (weights, candidates, shadows); one left out is removed. */
    variants: z.array(variantInputSchema).min(1).max(8).optional(),
    /** How this change rolls out; blue-green when not given. */
    strategy: strategySchema.optional(),
    /** Replace a rollout that is still in progress instead of being refused with 409. */
    supersede: z.boolean().optional(),
  })
  .refine((b) => b.versionLabel === undefined || b.versionDigest === undefined, {
    message: 'give versionLabel or versionDigest, not both',
    path: ['versionLabel'],
  })
  .refine(
    (b) =>
      !b.variants ||
      (b.versionLabel === undefined &&
        b.versionDigest === undefined &&
        !b.machineType &&
        b.replicas === undefined &&
        b.autoscaling === undefined &&
        !b.variant),
    {
      message: 'give either "variants" or the one-variant shorthand (variant, versionLabel/versionDigest, machineType, replicas, autoscaling), not both',
      path: ['variants'],
    },
  );
export type UpdateDeployment = z.infer<typeof updateDeploymentSchema>;

/** POST /deployments: a new deployment of one primary variant. */
export const createDeploymentSchema = z
  .object({
    name: resourceNameSchema,
    modelName: z.string().min(1),
    versionLabel: z.number().int().positive().optional(),
    /** Pins the version by content (GitOps): `sha256:<hex>` or the bare hex digest. */
    versionDigest: z
      .string()
      .regex(/^(sha256:)?[a-f0-9]{64}$/, 'expected sha256:<64 hex digits>')
      .transform((d) => d.replace(/^sha256:/, ''))
      .optional(),
    machineType: z.string().min(1),
    replicas: replicaCountSchema.min(1).default(1),
    /** Autoscaled from the start (minReplicas 0: scale to zero when idle); `replicas` is then where it starts, within the bounds. */
    autoscaling: autoscalingSchema.optional(),
  })
  .refine((b) => (b.versionLabel === undefined) !== (b.versionDigest === undefined), {
    message: 'give exactly one of versionLabel and versionDigest',
    path: ['versionLabel'],
  });

async function resolveVersion(modelId: string, modelName: string, ref: { versionLabel?: number; versionDigest?: string }) {
  if (ref.versionLabel === undefined && ref.versionDigest === undefined) return undefined;
  const { db } = serverContext();
  const version = ref.versionDigest
    ? await db.modelVersion.findUnique({ where: { modelId_digest: { modelId, digest: ref.versionDigest } } })
    : await db.modelVersion.findUnique({ where: { modelId_label: { modelId, label: ref.versionLabel! } } });
  if (!version) throw notFound(`version ${ref.versionDigest ? `sha256:${ref.versionDigest}` : `v${ref.versionLabel}`} of '${modelName}'`);
  if (version.status !== 'ready') throw new ApiError('conflict', `version v${version.label} is ${version.status}; only ready versions can be deployed`);
  return { digest: version.digest, label: version.label };
}

async function requireMachineType(name: string | undefined): Promise<void> {
  if (name === undefined) return;
  const machineType = await serverContext().db.machineType.findUnique({ where: { name } });
  if (!machineType) throw fieldError('machineType', `There is no machine type '${name}'; choose one from the list.`);
}

async function toPatch(model: { id: string; name: string }, input: VariantInput & { name: string }): Promise<VariantPatch> {
  await requireMachineType(input.machineType);
  const { versionLabel, versionDigest, ...rest } = input;
  return { ...rest, version: await resolveVersion(model.id, model.name, { versionLabel, versionDigest }) };
}

function validSpec(candidate: unknown): DeploymentSpec {
  const parsed = deploymentSpecSchema.safeParse(candidate);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** A fixed size as asked; an autoscaled one starts at its initialReplicas, or the asked count brought within its bounds. */
function startingReplicas(body: { replicas: number; autoscaling?: z.infer<typeof autoscalingSchema> }): number {
  const bounds = body.autoscaling;
  if (!bounds) return body.replicas;
  return bounds.initialReplicas ?? Math.min(Math.max(body.replicas, bounds.minReplicas), bounds.maxReplicas);
}

/** The first revision's spec from a create request. */
export async function specForCreate(
  model: { id: string; name: string },
  body: {
    versionLabel?: number;
    versionDigest?: string;
    machineType: string;
    replicas: number;
    autoscaling?: z.infer<typeof autoscalingSchema>;
    strategy?: DeploymentSpec['strategy'];
  },
): Promise<DeploymentSpec> {
  await requireMachineType(body.machineType);
  const version = (await resolveVersion(model.id, model.name, body))!;
  return validSpec({
    variants: [
      {
        name: 'primary',
        role: 'primary',
        versionDigest: version.digest,
        versionLabel: version.label,
        machineType: body.machineType,
        replicas: startingReplicas(body),
        weight: 100,
        ...(body.autoscaling && { autoscaling: body.autoscaling }),
      },
    ],
    strategy: body.strategy,
  });
}

/** The next revision's spec from the current one and a PATCH body. */
export async function specForUpdate(model: { id: string; name: string }, current: DeploymentSpec, body: UpdateDeployment): Promise<DeploymentSpec> {
  if (body.variants) {
    const variants = await Promise.all(body.variants.map((v) => toPatch(model, v)));
    for (const v of variants) {
      const exists = current.variants.some((c) => c.name === v.name);
      if (!exists && !v.version) throw new ApiError('validation_error', `variants: new variant '${v.name}' needs a versionLabel or versionDigest`);
    }
    return validSpec(mergeSpec(current, { variants, strategy: body.strategy }));
  }
  const name = body.variant ?? (current.variants.find((v) => v.role === 'primary') ?? current.variants[0]!).name;
  if (!current.variants.some((v) => v.name === name)) throw notFound(`variant '${name}'`);
  const change = await toPatch(model, {
    name,
    versionLabel: body.versionLabel,
    versionDigest: body.versionDigest,
    machineType: body.machineType,
    replicas: body.replicas,
    autoscaling: body.autoscaling,
  });
  return validSpec(mergeSpec(current, { change, strategy: body.strategy }));
}

export const scaleSchema = z
  .object({
    /** Default: the primary. */
    variant: variantNameSchema.optional(),
    /** A fixed replica count (turns autoscaling off), as a script that knows its schedule sets it. */
    replicas: replicaCountSchema.min(1).optional(),
    /** The autoscaler's bounds (turns it on with its defaults for the other knobs). */
    minReplicas: replicaCountSchema.optional(),
    maxReplicas: replicaCountSchema.min(1).optional(),
    supersede: z.boolean().optional(),
  })
  .refine((b) => (b.replicas !== undefined) !== (b.minReplicas !== undefined || b.maxReplicas !== undefined), {
    message: 'give either replicas, or minReplicas and/or maxReplicas',
    path: ['replicas'],
  });

/** The next spec from a scale request: a fixed count, or new autoscaler bounds over the current knobs. */
export function specForScale(current: DeploymentSpec, body: z.infer<typeof scaleSchema>): DeploymentSpec {
  const name = body.variant ?? (current.variants.find((v) => v.role === 'primary') ?? current.variants[0]!).name;
  const variant = current.variants.find((v) => v.name === name);
  if (!variant) throw notFound(`variant '${name}'`);
  if (body.replicas !== undefined) return validSpec(mergeSpec(current, { change: { name, replicas: body.replicas, autoscaling: null } }));
  const knobs = {
    ...variant.autoscaling,
    minReplicas: body.minReplicas ?? variant.autoscaling?.minReplicas,
    maxReplicas: body.maxReplicas ?? variant.autoscaling?.maxReplicas,
  };
  const autoscaling = autoscalingSchema.safeParse(knobs);
  if (!autoscaling.success) throw validationError(autoscaling.error);
  return validSpec(mergeSpec(current, { change: { name, autoscaling: autoscaling.data } }));
}
