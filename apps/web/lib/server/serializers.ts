import { referenceStatsSchema } from '@slipway/artifacts';
import { modelSignatureSchema } from '@slipway/core';
import type { Prisma } from '@slipway/db';
import { webEnv } from './env';

export const versionInclude = { uploadedBy: { select: { id: true, email: true } } } satisfies Prisma.ModelVersionInclude;
type VersionRow = Prisma.ModelVersionGetPayload<{ include: typeof versionInclude }>;

export function serializeVersion(v: VersionRow) {
  const signature = v.signature ? modelSignatureSchema.safeParse(v.signature) : null;
  return {
    id: v.id,
    label: v.label,
    digest: v.digest,
    sizeBytes: Number(v.sizeBytes),
    format: v.format,
    filename: v.filename,
    status: v.status,
    statusReason: v.statusReason,
    signature: signature?.success ? signature.data : null,
    manifest: v.manifest ?? null,
    details: v.details ?? null,
    referenceStats: referenceStatsView(v.referenceStats),
    uploadedBy: v.uploadedBy,
    createdAt: v.createdAt.toISOString(),
  };
}

/** Reference statistics keyed by column, as the dashboards read them. */
function referenceStatsView(raw: unknown) {
  const stats = raw ? referenceStatsSchema.safeParse(raw) : null;
  if (!stats?.success) return null;
  const { columns, ...rest } = stats.data;
  return { ...rest, columns: Object.fromEntries(columns.map(({ name, ...column }) => [name, column])) };
}

export const modelInclude = {
  team: { select: { id: true, name: true } },
  versions: { include: versionInclude, orderBy: { label: 'desc' } },
} satisfies Prisma.ModelInclude;
type ModelRow = Prisma.ModelGetPayload<{ include: typeof modelInclude }>;

export function serializeModelSummary(m: ModelRow) {
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    team: m.team,
    versionCount: m.versions.length,
    latestVersion: m.versions[0] ? serializeVersion(m.versions[0]) : null,
    createdAt: m.createdAt.toISOString(),
  };
}

export function serializeModel(m: ModelRow) {
  const { versionCount: _count, latestVersion: _latest, ...summary } = serializeModelSummary(m);
  return { ...summary, versions: m.versions.map(serializeVersion) };
}

export const machineTypeSelect = {
  id: true,
  name: true,
  vcpu: true,
  memoryMb: true,
  gpuType: true,
  gpuCount: true,
  hourlyCost: true,
} satisfies Prisma.MachineTypeSelect;
type MachineTypeRow = Prisma.MachineTypeGetPayload<{ select: typeof machineTypeSelect }>;

export function serializeMachineType(m: MachineTypeRow) {
  return { ...m, hourlyCost: Number(m.hourlyCost) };
}

export const deploymentInclude = {
  model: { select: { name: true } },
  variants: {
    orderBy: { createdAt: 'asc' },
    include: {
      machineType: { select: machineTypeSelect },
      version: { select: { label: true, digest: true, signature: true } },
      replicaList: { orderBy: { createdAt: 'asc' }, select: { id: true, address: true, state: true } },
    },
  },
} satisfies Prisma.DeploymentInclude;
type DeploymentRow = Prisma.DeploymentGetPayload<{ include: typeof deploymentInclude }>;

export function serializeDeployment(d: DeploymentRow) {
  const gateway = webEnv().SLIPWAY_GATEWAY_URL.replace(/\/$/, '');
  return {
    id: d.id,
    name: d.name,
    status: d.status,
    statusReason: d.statusReason,
    model: d.model,
    endpoints: { predict: `${gateway}/models/${d.name}/predict`, infer: `${gateway}/v2/models/${d.name}/infer` },
    variants: d.variants.map((v) => {
      const signature = v.version.signature ? modelSignatureSchema.safeParse(v.version.signature) : null;
      return {
        id: v.id,
        name: v.name,
        trafficWeight: v.trafficWeight,
        replicas: v.replicas,
        machineType: serializeMachineType(v.machineType),
        version: { label: v.version.label, digest: v.version.digest, signature: signature?.success ? signature.data : null },
        // Stopped replicas are history; the page shows what runs or tries to.
        replicaList: v.replicaList.filter((r) => r.state !== 'stopped'),
      };
    }),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
