// Shapes of the control-plane REST API (/api/v1) as the console reads them.

import type { SlipwayManifest } from '@slipway/artifacts';
import type { MachinePlacement, ModelSignature, Strategy } from '@slipway/core';
import type {
  serializeApiKey,
  serializeDeployment,
  serializeEvent,
  serializeMachineType,
  serializeModel,
  serializeModelSummary,
  serializeRevision,
  serializeUpdate,
  serializeVersion,
} from '../server/serializers';
import type { z } from 'zod';
import type { deploymentComparison } from '../server/comparison';
import type { createDeploymentSchema, updateDeploymentSchema } from '../server/deployment-specs';
import type { deploymentDrift } from '../server/drift';
import type { deploymentLatency } from '../server/latency';
import type { describeMe } from '../server/me';
import type { revisionHistory } from '../server/revision-history';
import type { deploymentScaling } from '../server/scaling';
import type { serializeTeamWithMembers } from '../server/teams';
import type { createUserSchema, serializeUser } from '../server/users';

/** GET /me (lib/server/me.ts). */
export type Me = Awaited<ReturnType<typeof describeMe>>;
export type User = Me['user'];
export type TeamRole = Me['teams'][number]['role'];

export type { TensorSpec } from '@slipway/core';
export type Signature = ModelSignature;

// Answers the server serializes (lib/server/serializers.ts) are typed from the serializers themselves,
// and specs from @slipway/core's schemas: a server change breaks the console's build instead of drifting.

/** `manifest` and `details` are JSON columns, written in the shapes below. */
export type Version = Omit<ReturnType<typeof serializeVersion>, 'manifest' | 'details'> & {
  manifest: VersionManifest | null;
  details: VersionDetails | null;
};
export type VersionStatus = Version['status'];
export type ArtifactFormat = Version['format'];
/** slipway.yaml of an archive, as validated at upload. */
export type VersionManifest = SlipwayManifest;

export interface VersionDetails {
  modelFile: string;
  files: { path: string; sizeBytes: number }[];
  /** Filled in by the inspection once the model loaded. */
  opsets?: { domain: string; version: number }[];
  operators?: string[];
  producer?: string | null;
  irVersion?: number | null;
  /** A Python model: its predictor (an MLflow model: the flavor a built-in predictor serves). */
  python?: { predictor: string; mlflowFlavor?: 'sklearn' | 'python_function' | null; pythonVersion: string | null } | null;
  /** A Python model's environment, as inspection built (or reused) it; `failed` when the build failed. */
  environment?: { key?: string; pythonVersion?: string; reused?: boolean; failed?: boolean; log: string };
}

/** Statistics of the artifact's reference data: the baseline drift monitoring compares traffic with. */
export type ReferenceStats = NonNullable<Version['referenceStats']>;
export type ColumnStats = ReferenceStats['columns'][string];
export type NumericColumnStats = Extract<ColumnStats, { kind: 'numeric' }>;
export type CategoricalColumnStats = Extract<ColumnStats, { kind: 'categorical' }>;

export type ModelSummary = Omit<ReturnType<typeof serializeModelSummary>, 'latestVersion'> & { latestVersion: Version | null };
export type TeamRef = ModelSummary['team'];
/** Versions newest first. */
export type Model = Omit<ReturnType<typeof serializeModel>, 'versions'> & { versions: Version[] };

/** `placement` comes with the catalog's list: whether this platform's driver can place the type, and why not. */
export type MachineType = ReturnType<typeof serializeMachineType> & { placement?: MachinePlacement };

/** What an admin sets on a machine type; the name is fixed once created. */
export type MachineTypeSpec = Omit<MachineType, 'id' | 'name' | 'placement'>;

export type Deployment = ReturnType<typeof serializeDeployment>;
export type DeploymentStatus = Deployment['status'];
/** A running replica set; several can share a name during a rollout (e.g. primary v1 and primary v2). */
export type Variant = Deployment['variants'][number];
/** A replica as the deployment page lists it; draining: out of routing, finishing requests already sent. */
export type Replica = Variant['replicaList'][number];
export type ReplicaListState = Replica['state'];
export type ReplicaState = Exclude<ReplicaListState, 'draining'>;
/** Where a rollout from the stable revision to the target revision stands. */
export type Rollout = NonNullable<Deployment['rollout']>;
export type RolloutPhase = Rollout['phase'];

export type { Autoscaling, CanaryStep, DeploymentSpec, ScalingSchedule, Strategy, VariantRole, VariantSpec } from '@slipway/core';
export type Guardrails = Extract<Strategy, { type: 'canary' }>['guardrails'];
export type StrategyType = Strategy['type'];

/**
 * PATCH /deployments/{name}: the one-variant shorthand (the primary unless `variant` says otherwise), or
 * `variants`, the complete new list (a variant left out is removed); fields left out keep their current values.
 */
export type DeploymentUpdate = z.input<typeof updateDeploymentSchema>;
export type VariantUpdate = NonNullable<DeploymentUpdate['variants']>[number];

/** What PATCH, scale and rollback answer; `changes` is empty when nothing changed. */
export type UpdateResult = ReturnType<typeof serializeUpdate>;

export type Revision = ReturnType<typeof serializeRevision>;

/** GET /deployments/{name}/revisions (lib/server/revision-history.ts), newest first. */
export type RevisionHistory = Awaited<ReturnType<typeof revisionHistory>>;

/** GET /deployments/{name}/comparison (lib/server/comparison.ts). */
export type Comparison = Awaited<ReturnType<typeof deploymentComparison>>;
export type VariantTraffic = Comparison['variants'][number];
export type VariantComparison = Comparison['comparisons'][number];
export type Percentiles = Pick<VariantTraffic, 'p50' | 'p95' | 'p99'>;

export type DeploymentEvent = ReturnType<typeof serializeEvent>;

export interface TryResult {
  status: number;
  latencyMs: number;
  body: unknown;
  /** The variant that answered (the gateway's `x-slipway-variant`), when the gateway routed it to one. */
  variant: string | null;
}

/** GET /deployments/{name}/latency (lib/server/latency.ts): milliseconds, null in a slot without a successful request. */
export type LatencyPoint = Awaited<ReturnType<typeof deploymentLatency>>['points'][number];

/** GET /deployments/{name}/scaling (lib/server/scaling.ts): one running replica set (variant row) each. */
export type DeploymentScaling = Awaited<ReturnType<typeof deploymentScaling>>;
export type VariantScaling = DeploymentScaling['variants'][number];
/** One autoscaler tick's record (every 5 s per autoscaled variant); oldest first. */
export type ScalingSample = VariantScaling['samples'][number];
/** A scheduled change of the autoscaler's bounds. */
export type ScalingTransition = VariantScaling['nextTransitions'][number];

export type ApiKey = ReturnType<typeof serializeApiKey>;

export type AdminUser = ReturnType<typeof serializeUser>;

/** A team with its storage quota and members (GET /teams; the compute part is in lib/client/quota.ts). */
export type Team = Omit<ReturnType<typeof serializeTeamWithMembers>, 'compute'>;

/** The version is chosen by label, or pinned by content with `versionDigest: "sha256:<hex>"`. */
export type NewDeployment = z.input<typeof createDeploymentSchema>;

export type NewUser = z.input<typeof createUserSchema>;

export type { BaselineSource as DriftBaseline, DriftSummary, FeatureReport, FeatureStatus } from '@slipway/core';

/** GET /deployments/{name}/drift (lib/server/drift.ts). */
export type DriftReport = Awaited<ReturnType<typeof deploymentDrift>>;

export type { DeploymentPerformance, PerformanceWindow, TrafficPoint } from '@slipway/core';

export type {
  AlertDelivery,
  AlertEventView as AlertEvent,
  AlertHistoryPage,
  AlertKind,
  AlertRuleInput,
  AlertRulePatch,
  AlertRuleView as AlertRule,
} from '@slipway/core';
