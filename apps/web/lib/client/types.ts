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

export interface Variant {
  id: string;
  name: string;
  trafficWeight: number;
  replicas: number;
  machineType: MachineType;
  version: { label: number; digest: string; signature: Signature | null };
  replicaList: { id: string; address: string | null; state: ReplicaState }[];
}

export interface Deployment {
  id: string;
  name: string;
  status: DeploymentStatus;
  statusReason: string | null;
  model: { name: string };
  endpoints: { predict: string; infer: string };
  variants: Variant[];
  createdAt: string;
  updatedAt: string;
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
