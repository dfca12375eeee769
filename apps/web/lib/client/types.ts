// Shapes of the control-plane REST API (/api/v1) as the console reads them.

export type TeamRole = 'admin' | 'member' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
}

export interface Me {
  user: User;
  teams: { id: string; name: string; role: TeamRole }[];
}

export interface TensorSpec {
  name: string;
  dtype: string;
  /** null marks a dynamic dimension (usually the batch). */
  shape: (number | null)[];
}

export interface Signature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export type VersionStatus = 'uploaded' | 'validating' | 'ready' | 'failed';
export type ArtifactFormat = 'onnx' | 'onnx.gz' | 'tar.gz' | 'zip';

export interface VersionManifest {
  description?: string;
  /** Path of the ONNX model inside the artifact. */
  model?: string;
  features?: string[];
  labels?: string[];
  reference_data?: string;
  /** Free-form: git commit, training run URL, metrics… */
  metadata?: Record<string, unknown>;
}

export interface VersionDetails {
  modelFile: string;
  files: { path: string; sizeBytes: number }[];
  /** Filled in by the inspection once the model loaded. */
  opsets?: { domain: string; version: number }[];
  operators?: string[];
  producer?: string | null;
  irVersion?: number | null;
}

export interface NumericColumnStats {
  kind: 'numeric';
  count: number;
  missing: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** counts[i] holds the values in [edges[i], edges[i + 1]). */
  bins: { edges: number[]; counts: number[] };
}

export interface CategoricalColumnStats {
  kind: 'categorical';
  count: number;
  missing: number;
  frequencies: Record<string, number>;
}

export type ColumnStats = NumericColumnStats | CategoricalColumnStats;

/** Statistics of the artifact's reference data: the baseline drift monitoring compares traffic with. */
export interface ReferenceStats {
  rows: number;
  /** The file had more rows than the statistics cover. */
  truncated?: boolean;
  columns: Record<string, ColumnStats>;
}

export interface Version {
  id: string;
  label: number;
  /** sha256, hex */
  digest: string;
  sizeBytes: number;
  format: ArtifactFormat;
  filename: string;
  status: VersionStatus;
  statusReason: string | null;
  signature: Signature | null;
  uploadedBy: { id: string; email: string };
  createdAt: string;
  /** slipway.yaml of an archive; null for a bare ONNX file. */
  manifest: VersionManifest | null;
  details: VersionDetails | null;
  referenceStats: ReferenceStats | null;
}

export interface TeamRef {
  id: string;
  name: string;
}

export interface ModelSummary {
  id: string;
  name: string;
  description: string;
  team: TeamRef;
  versionCount: number;
  latestVersion: Version | null;
  createdAt: string;
}

export interface Model {
  id: string;
  name: string;
  description: string;
  team: TeamRef;
  createdAt: string;
  /** newest first */
  versions: Version[];
}

export interface MachineType {
  id: string;
  name: string;
  vcpu: number;
  memoryMb: number;
  gpuType: string | null;
  gpuCount: number;
  hourlyCost: number;
}

/** What an admin sets on a machine type; the name is fixed once created. */
export type MachineTypeSpec = Omit<MachineType, 'id' | 'name'>;

export type DeploymentStatus = 'pending' | 'deploying' | 'ready' | 'failed' | 'stopping' | 'stopped';
export type ReplicaState = 'starting' | 'ready' | 'failed' | 'stopped';
/** A replica as the deployment page lists it; draining: out of routing, finishing requests already sent. */
export type ReplicaListState = ReplicaState | 'draining';
export type VariantRole = 'primary' | 'candidate' | 'shadow';

export interface Replica {
  id: string;
  address: string | null;
  state: ReplicaListState;
  /** Why it failed or is draining, when the worker said. */
  reason: string | null;
}

/** A running replica set; several can share a name during a rollout (e.g. primary v1 and primary v2). */
export interface Variant {
  id: string;
  name: string;
  role: VariantRole;
  /** Share of callers' requests in effect now, in percent. */
  trafficWeight: number;
  mirrorPercent: number;
  /** desired */
  replicas: number;
  machineType: MachineType;
  version: { label: number; digest: string; signature: Signature | null };
  replicaList: Replica[];
}

export interface CanaryStep {
  /** percent of traffic on the new revision during the step */
  weight: number;
  bakeSeconds: number;
}

export interface Guardrails {
  /** absolute, 0..1: 0.01 = one percentage point above the primary's error rate */
  maxErrorRateIncrease: number;
  maxP99Ratio: number;
  minRequests: number;
}

export type Strategy = { type: 'blue-green' } | { type: 'canary'; steps: CanaryStep[]; guardrails: Guardrails };
export type StrategyType = Strategy['type'];

/** From each `cron` fire (in `timeZone`) until the next entry's, these bounds replace the autoscaler's. */
export interface ScalingSchedule {
  cron: string;
  /** IANA name, e.g. Europe/Ljubljana; the server's default is UTC. */
  timeZone: string;
  minReplicas: number;
  /** Left out: the autoscaler's maxReplicas. */
  maxReplicas?: number;
}

/** Ray Serve's autoscaling knobs (camelCase), as the server stores them with its defaults filled in. */
export interface Autoscaling {
  minReplicas: number;
  maxReplicas: number;
  initialReplicas?: number;
  targetOngoingRequests: number;
  upscaleDelaySeconds: number;
  downscaleDelaySeconds: number;
  scaleToZeroDelaySeconds: number;
  lookBackSeconds: number;
  schedules: ScalingSchedule[];
}

export interface VariantSpec {
  name: string;
  role: VariantRole;
  versionDigest: string;
  versionLabel: number;
  machineType: string;
  /** Fixed count; with `autoscaling`, the count it starts from. */
  replicas: number;
  /** Set: the autoscaler moves the replica count within its bounds. */
  autoscaling?: Autoscaling;
  weight: number;
  mirrorPercent: number;
}

/** A revision's desired state: what the controller converges to. */
export interface DeploymentSpec {
  variants: VariantSpec[];
  strategy: Strategy;
}

export type RolloutPhase = 'starting' | 'shifting' | 'draining';

/** Where a rollout from the stable revision to the target revision stands. */
export interface Rollout {
  fromRevision: number | null;
  toRevision: number;
  strategy: StrategyType;
  phase: RolloutPhase;
  /** index into `steps`; -1 before the first */
  step: number;
  steps: CanaryStep[];
  /** 0..100, share of traffic on the new revision */
  trafficPercent: number;
  stepStartedAt: string | null;
  paused: boolean;
  promoted: boolean;
}

export interface Deployment {
  id: string;
  name: string;
  status: DeploymentStatus;
  statusReason: string | null;
  model: { name: string };
  endpoints: { predict: string; infer: string };
  /** The target revision's number. */
  revision: number;
  /** The last revision that finished rolling out; null before the first did. */
  stableRevision: number | null;
  spec: DeploymentSpec | null;
  /** null when nothing is rolling out */
  rollout: Rollout | null;
  variants: Variant[];
  createdAt: string;
  updatedAt: string;
}

type VersionRef = { versionLabel?: number; versionDigest?: never } | { versionDigest?: string; versionLabel?: never };

/** One variant of a `variants` update; fields left out keep their current values. */
export type VariantUpdate = {
  name: string;
  role?: VariantRole;
  machineType?: string;
  replicas?: number;
  weight?: number;
  mirrorPercent?: number;
} & VersionRef;

/**
 * PATCH /deployments/{name}: the one-variant shorthand (the primary unless `variant` says otherwise),
 * or `variants`, the complete new list (a variant left out is removed).
 */
export type DeploymentUpdate = (
  | ({ variant?: string; machineType?: string; replicas?: number; autoscaling?: Autoscaling | null; variants?: never } & VersionRef)
  | { variants: VariantUpdate[] }
) & {
  strategy?: { type: 'blue-green' } | { type: 'canary'; steps?: CanaryStep[]; guardrails?: Partial<Guardrails> };
  /** Replace a rollout in progress instead of being refused with 409. */
  supersede?: boolean;
};

export interface UpdateResult {
  deployment: Deployment;
  revision: number;
  /** Empty when nothing changed. */
  changes: string[];
}

export interface Revision {
  number: number;
  reason: string;
  author: string;
  createdAt: string;
  spec: DeploymentSpec | null;
  /** What changed from the revision before, e.g. "primary: v1 → v2". */
  changes: string[];
}

export interface RevisionHistory {
  current: number;
  stable: number | null;
  /** newest first */
  revisions: Revision[];
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface VariantTraffic extends Percentiles {
  id: string;
  name: string;
  role: VariantRole;
  versionLabel: number;
  trafficWeight: number;
  mirrorPercent: number;
  requests: number;
  errors: number;
  /** 0..1; null without requests */
  errorRate: number | null;
  /** Shadows: how their mirrored answers compared with the primary's. */
  shadow: (Percentiles & { mirrored: number; agreed: number; disagreed: number; failed: number; agreementRate: number | null }) | null;
}

export interface VariantComparison {
  /** variant ids */
  baseline: string;
  candidate: string;
  /** rates 0..1, null while a side has no requests */
  errorRate: { baseline: number | null; candidate: number | null; difference: number | null; pValue: number; significant: boolean };
  latency: {
    baseline: Percentiles;
    candidate: Percentiles;
    /** null without latency on both sides */
    probabilityCandidateSlower: number | null;
    pValue: number;
    significant: boolean;
  };
  summary: string;
}

export interface Comparison {
  window: { minutes?: number; from?: string; to?: string };
  variants: VariantTraffic[];
  comparisons: VariantComparison[];
}

export interface DeploymentEvent {
  id: string;
  step: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  /** rollout progress at this event, 0..1 */
  progress: number;
  createdAt: string;
}

export interface TryResult {
  status: number;
  latencyMs: number;
  body: unknown;
}

export interface LatencyPoint {
  t: string;
  count: number;
  /** milliseconds; null when the slot holds no successful request */
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** One autoscaler tick's record (every 5 s per autoscaled variant). */
export interface ScalingSample {
  t: string;
  /** Requests in flight and held, averaged over the look-back window. */
  inFlight: number;
  ready: number;
  desired: number;
}

/** A scheduled change of the autoscaler's bounds. */
export interface ScalingTransition {
  at: string;
  minReplicas: number;
  maxReplicas: number;
}

/** GET /deployments/{name}/scaling: one running replica set (variant row). */
export interface VariantScaling {
  id: string;
  name: string;
  desiredReplicas: number;
  /** null: a fixed replica count. */
  autoscaling: Autoscaling | null;
  /** `schedule`: index of the schedule entry in effect, when one is. */
  boundsNow: { min: number; max: number; schedule?: number } | null;
  nextTransitions: ScalingTransition[];
  /** oldest first */
  samples: ScalingSample[];
}

export interface DeploymentScaling {
  variants: VariantScaling[];
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  /** null: the gateway's default limit. */
  rateLimitPerSecond: number | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface AdminUser extends User {
  createdAt: string;
}

export interface Team {
  id: string;
  name: string;
  /** null: no limit */
  storageQuotaBytes: number | null;
  storageUsedBytes: number;
  members: { user: { id: string; email: string; name: string }; role: TeamRole }[];
}

/** The version is chosen by label, or pinned by content with `versionDigest: "sha256:<hex>"`. */
export type NewDeployment = {
  name: string;
  modelName: string;
  machineType: string;
  replicas: number;
} & ({ versionLabel: number } | { versionDigest: string });

export interface NewUser {
  email: string;
  name: string;
  password: string;
  isAdmin: boolean;
}

import type { BaselineSource as DriftBaseline, DriftSummary, FeatureReport } from '@slipway/core';
export type { BaselineSource as DriftBaseline, DriftSummary, FeatureReport, FeatureStatus } from '@slipway/core';

/** GET /deployments/{name}/drift */
export interface DriftReport {
  variant: { name: string; versionLabel: number };
  variants: string[];
  window: { minutes: number; from: string; to: string; bucketSeconds: number };
  baseline: DriftBaseline;
  summary: DriftSummary;
  features: (FeatureReport & { role: 'input' | 'output' })[];
}

export type {
  AlertDelivery,
  AlertEventView as AlertEvent,
  AlertHistoryPage,
  AlertKind,
  AlertRuleInput,
  AlertRulePatch,
  AlertRuleView as AlertRule,
} from '@slipway/core';
