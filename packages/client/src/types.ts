import type { DeploymentSpec } from '@slipway/core';

// Answers of the control-plane REST API (/api/v1) that the client returns. Request bodies and the
// plan's answer are defined in @slipway/core and imported, never copied.

export type VersionStatus = 'uploaded' | 'validating' | 'ready' | 'failed';
export type DeploymentStatus = 'pending' | 'deploying' | 'ready' | 'failed' | 'stopping' | 'stopped';

export interface Version {
  label: number;
  /** sha256, hex */
  digest: string;
  sizeBytes: number;
  format: string;
  filename: string;
  status: VersionStatus;
  statusReason: string | null;
  createdAt: string;
}

export interface ModelSummary {
  name: string;
  description: string;
  team: { id: string; name: string };
  versionCount: number;
  latestVersion: Version | null;
}

export interface Model extends Omit<ModelSummary, 'versionCount' | 'latestVersion'> {
  /** newest first */
  versions: Version[];
}

export interface Replica {
  id: string;
  state: 'starting' | 'ready' | 'failed' | 'stopped' | 'draining';
  reason: string | null;
}

export interface Variant {
  name: string;
  role: 'primary' | 'candidate' | 'shadow';
  trafficWeight: number;
  mirrorPercent: number;
  replicas: number;
  machineType: { name: string; hourlyCost: number };
  version: { label: number; digest: string };
  replicaList: Replica[];
}

export interface Deployment {
  name: string;
  status: DeploymentStatus;
  statusReason: string | null;
  model: { name: string };
  endpoints: { predict: string; infer: string };
  /** The revision the controller converges to. */
  revision: number;
  /** The last revision that finished rolling out; null before the first did. */
  stableRevision: number | null;
  spec: DeploymentSpec | null;
  rollout: { strategy: string; phase: string; trafficPercent: number } | null;
  variants: Variant[];
}

export interface DeploymentEvent {
  id: string;
  step: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  createdAt: string;
}

export interface Revision {
  number: number;
  reason: string;
  author: string;
  createdAt: string;
  spec: DeploymentSpec | null;
  changes: string[];
}

export interface UpdateResult {
  deployment: Deployment;
  revision: number;
  /** Empty when nothing changed. */
  changes: string[];
}

/** One line of spend to date: replica-hours, cost so far and what the running replicas cost per hour. */
export interface SpendLine {
  replicaHours: number;
  cost: number;
  costPerHour: number;
  runningReplicas: number;
}

/** GET /spend. */
export interface SpendReport {
  asOf: string;
  total: SpendLine;
  teams: (SpendLine & { id: string; name: string })[];
  deployments: (SpendLine & { name: string; team: { id: string; name: string }; deleted: boolean })[];
}
