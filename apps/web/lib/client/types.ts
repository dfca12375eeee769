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

export interface Version {
  id: string;
  label: number;
  /** sha256, hex */
  digest: string;
  sizeBytes: number;
  format: ArtifactFormat;
  status: VersionStatus;
  statusReason: string | null;
  signature: Signature | null;
  uploadedBy: { id: string; email: string };
  createdAt: string;
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
  createdAt: string;
  lastUsedAt: string | null;
}

export interface AdminUser extends User {
  createdAt: string;
}

export interface Team {
  id: string;
  name: string;
  members: { user: { id: string; email: string; name: string }; role: TeamRole }[];
}

export interface NewDeployment {
  name: string;
  modelName: string;
  versionLabel: number;
  machineType: string;
  replicas: number;
}

export interface NewUser {
  email: string;
  name: string;
  password: string;
  isAdmin: boolean;
}
