import {
  deploymentSpecSchema,
  diffSpecs,
  modelSignatureSchema,
  referenceStatsSchema,
  rolloutInProgress,
  rolloutStateSchema,
  targetFraction,
  type DeploymentSpec,
} from '@slipway/core';
import type { ApiKey, DeploymentEvent, Prisma } from '@slipway/db';
import { hasTeamRole, type SessionUser } from './auth';
import { webEnv } from './env';
import { withoutAddresses } from './replica-addresses';

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
  aliases: { include: { version: { select: { label: true } } }, orderBy: { name: 'asc' } },
} satisfies Prisma.ModelInclude;
type ModelRow = Prisma.ModelGetPayload<{ include: typeof modelInclude }>;

export function serializeModelSummary(m: ModelRow) {
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    tags: m.tags,
    aliases: m.aliases.map((a) => ({ name: a.name, versionLabel: a.version.label, updatedBy: a.updatedBy, updatedAt: a.updatedAt.toISOString() })),
    team: m.team,
    versionCount: m.versions.length,
    latestVersion: m.versions[0] ? serializeVersion(m.versions[0]) : null,
    createdAt: m.createdAt.toISOString(),
  };
}

/** `usedBy`: per version label, the running deployments that serve it and the alias each follows. */
export function serializeModel(m: ModelRow, usedBy: ReadonlyMap<number, { deployment: string; followsAlias: string | null }[]> = new Map()) {
  const { versionCount: _count, latestVersion: _latest, ...summary } = serializeModelSummary(m);
  return { ...summary, versions: m.versions.map(serializeVersion), usedBy: Object.fromEntries([...usedBy].map(([label, list]) => [String(label), list])) };
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
    where: { retiredAt: null },
    orderBy: { createdAt: 'asc' },
    include: {
      machineType: { select: machineTypeSelect },
      version: { select: { label: true, digest: true, signature: true } },
      replicaList: { orderBy: { createdAt: 'asc' }, select: { id: true, address: true, state: true, reason: true, createdAt: true } },
    },
  },
  revisions: { orderBy: { number: 'desc' }, take: 2 },
} satisfies Prisma.DeploymentInclude;
export type DeploymentRow = Prisma.DeploymentGetPayload<{ include: typeof deploymentInclude }>;

const parseSpec = (raw: unknown): DeploymentSpec | null => {
  const parsed = deploymentSpecSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
};

/** Where a rollout stands, for the progress card: phase, canary step and the share of traffic moved. */
function rolloutView(d: DeploymentRow, target: DeploymentSpec | null) {
  if (!target || !rolloutInProgress(d)) return null;
  const state = rolloutStateSchema.safeParse(d.rollout);
  const strategy = target.strategy;
  return {
    fromRevision: d.stableRevision,
    toRevision: d.targetRevision,
    strategy: strategy.type,
    phase: state.success ? state.data.phase : 'starting',
    step: state.success ? state.data.step : -1,
    steps: strategy.type === 'canary' ? strategy.steps : [],
    trafficPercent: state.success ? Math.round(targetFraction(strategy, state.data) * 100) : 0,
    stepStartedAt: state.success && state.data.stepStartedAt ? new Date(state.data.stepStartedAt).toISOString() : null,
    paused: d.rolloutPaused,
    promoted: d.rolloutPromoted,
  };
}

/** Whether `user` may see where the team's replicas listen: members and admins; viewers see states only. */
export const seesReplicaAddresses = (user: SessionUser, teamId: string) => hasTeamRole(user, teamId, 'member');

/** What a change to a deployment answers: the deployment, the revision it made, and what changed (empty: nothing). */
export function serializeUpdate(d: DeploymentRow, user: SessionUser, result: { revision: number; changes: string[] }) {
  return { deployment: serializeDeployment(d, user), revision: result.revision, changes: result.changes };
}

export function serializeDeployment(d: DeploymentRow, user: SessionUser) {
  const gateway = webEnv().SLIPWAY_GATEWAY_URL.replace(/\/$/, '');
  const target = parseSpec(d.revisions.find((r) => r.number === d.targetRevision)?.spec);
  const addresses = seesReplicaAddresses(user, d.teamId);
  const shown = (message: string | null) => (addresses ? message : withoutAddresses(message));
  return {
    id: d.id,
    name: d.name,
    status: d.status,
    statusReason: shown(d.statusReason),
    /** Whether the caller may change it (the team's members and admins): the console offers its controls only then. */
    canChange: hasTeamRole(user, d.teamId, 'member'),
    model: d.model,
    /** The model alias the primary follows (moving it rolls the deployment out); null: none. */
    followsAlias: d.followsAlias,
    endpoints: { predict: `${gateway}/models/${d.name}/predict`, infer: `${gateway}/v2/models/${d.name}/infer` },
    revision: d.targetRevision,
    stableRevision: d.stableRevision,
    /** The desired state the controller converges to. */
    spec: target,
    rollout: rolloutView(d, target),
    variants: d.variants.map((v) => {
      const signature = v.version.signature ? modelSignatureSchema.safeParse(v.version.signature) : null;
      return {
        id: v.id,
        name: v.name,
        role: v.role,
        trafficWeight: v.trafficWeight,
        mirrorPercent: v.mirrorPercent,
        replicas: v.replicas,
        machineType: serializeMachineType(v.machineType),
        version: { label: v.version.label, digest: v.version.digest, signature: signature?.success ? signature.data : null },
        // Stopped replicas are history; the page shows what runs, drains, or failed recently.
        replicaList: v.replicaList
          .filter((r) => r.state !== 'stopped' && !(r.state === 'failed' && Date.now() - r.createdAt.getTime() > 10 * 60_000))
          .map((r) => ({ id: r.id, address: addresses ? r.address : null, state: r.state, reason: shown(r.reason) })),
      };
    }),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

/** One revision with what changed from the one before it. */
export function serializeRevision(
  r: { number: number; spec: unknown; reason: string; author: string; createdAt: Date },
  previous: { spec: unknown } | undefined,
) {
  const spec = parseSpec(r.spec);
  const before = previous ? parseSpec(previous.spec) : null;
  return {
    number: r.number,
    reason: r.reason,
    author: r.author,
    createdAt: r.createdAt.toISOString(),
    spec,
    changes: spec ? diffSpecs(before, spec) : [],
  };
}

type ApiKeyFields = Pick<ApiKey, 'id' | 'name' | 'prefix' | 'rateLimitPerSecond' | 'createdAt' | 'lastUsedAt'> &
  Partial<Pick<ApiKey, 'scope' | 'deploymentIds' | 'expiresAt' | 'requestCount'>>;

/** `deploymentNames` by id: the names of the deployments a scoped key may reach. */
export function serializeApiKey(k: ApiKeyFields, deploymentNames: ReadonlyMap<string, string> = new Map()) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    /** null: the gateway's default (SLIPWAY_DEFAULT_RATE_LIMIT). */
    rateLimitPerSecond: k.rateLimitPerSecond,
    scope: (k.scope === 'read-only' ? 'read-only' : 'invoke') as 'invoke' | 'read-only',
    /** Empty: every deployment of the owner's teams. A deleted deployment is left out (the key reaches nothing there). */
    deployments: (k.deploymentIds ?? []).flatMap((id) => (deploymentNames.has(id) ? [deploymentNames.get(id)!] : [])),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    expired: k.expiresAt ? k.expiresAt.getTime() <= Date.now() : false,
    /** Requests the gateways admitted with it (written every few seconds). */
    requestCount: Number(k.requestCount ?? 0),
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}

/** A step or decision on the deployment's timeline; replica addresses only for those who may see them. */
export function serializeEvent(e: DeploymentEvent, withAddresses: boolean) {
  return {
    id: e.id,
    step: e.step,
    level: e.level,
    message: withAddresses ? e.message : withoutAddresses(e.message),
    /** rollout progress at this event, 0..1 */
    progress: e.progress,
    createdAt: e.createdAt.toISOString(),
  };
}
