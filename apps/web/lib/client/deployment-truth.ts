// What the deployment page says about a deployment's state: decided here, from the API's answer alone, so the
// header, the badge and the cards never claim more than is true (e.g. "Serving v1" on a stopped deployment).

import type { Deployment, DeploymentStatus, Variant } from './types';

type DeploymentState = Pick<Deployment, 'status' | 'statusReason' | 'variants'>;

/** What the header line under the deployment's name says. */
export type HeaderLine =
  | { kind: 'serving'; versions: string }
  | { kind: 'starting'; versions: string | null }
  | { kind: 'stopping' }
  | { kind: 'stopped' }
  | { kind: 'failed'; reason: string; stillServing: string | null };

const answersCallers = (v: Pick<Variant, 'role' | 'trafficWeight'>) => v.role !== 'shadow' && v.trafficWeight > 0;
const isLive = (v: Pick<Variant, 'trafficWeight' | 'mirrorPercent'>) => v.trafficWeight > 0 || v.mirrorPercent > 0;

/** "v1", or "v1, v2" while both get traffic: versions that answer callers or get mirrored requests now; null: none. */
export function servingVersions(variants: Deployment['variants']): string | null {
  const live = variants.filter(isLive);
  if (live.length === 0) return null;
  const labels = [...new Set(live.map((v) => v.version.label))].sort((a, b) => a - b);
  return labels.map((label) => `v${label}`).join(', ');
}

export function headerLine(deployment: DeploymentState): HeaderLine {
  const versions = servingVersions(deployment.variants);
  switch (deployment.status) {
    case 'stopped':
      return { kind: 'stopped' };
    case 'stopping':
      return { kind: 'stopping' };
    case 'failed':
      return { kind: 'failed', reason: deployment.statusReason ?? 'no reason was recorded', stillServing: versions };
    case 'pending':
    case 'deploying':
      // A redeploy or first deploy: nothing answers until a variant gets traffic.
      return { kind: 'starting', versions };
    default:
      return versions === null ? { kind: 'starting', versions: null } : { kind: 'serving', versions };
  }
}

export type BadgeTone = 'gray' | 'blue' | 'green' | 'amber' | 'red';

/** The status badge's words: the deployment's status, unless a finer truth applies (asleep at zero replicas). */
export interface Badge {
  text: string;
  tone: BadgeTone;
  /** On its way somewhere else: the dot pulses. */
  live: boolean;
}

const STATUS_BADGE: Record<DeploymentStatus, Badge> = {
  pending: { text: 'Pending', tone: 'gray', live: true },
  deploying: { text: 'Deploying', tone: 'blue', live: true },
  ready: { text: 'Ready', tone: 'green', live: false },
  stopping: { text: 'Stopping', tone: 'amber', live: true },
  stopped: { text: 'Stopped', tone: 'gray', live: false },
  failed: { text: 'Failed', tone: 'red', live: false },
};

export const ASLEEP = 'Asleep — wakes on the next request';

/**
 * Ready, but every variant that answers callers scaled to zero with no replica up: it is asleep, and the first
 * request waits for a replica to start.
 */
export function isAsleep(deployment: Pick<Deployment, 'status' | 'variants'>): boolean {
  if (deployment.status !== 'ready') return false;
  const serving = deployment.variants.filter(answersCallers);
  return serving.length > 0 && serving.every((v) => v.replicas === 0 && !v.replicaList.some((r) => r.state === 'ready' || r.state === 'starting'));
}

export function deploymentBadge(deployment: Pick<Deployment, 'status' | 'variants'>): Badge {
  if (isAsleep(deployment)) return { text: ASLEEP, tone: 'gray', live: false };
  return STATUS_BADGE[deployment.status];
}

/** Where one variant stands: the version its revision asks for against what answers callers now. */
export interface VariantNow {
  name: string;
  desiredLabel: number;
  /** Replica sets of that name that run now, with the share of callers each answers (or mirrors, for shadows). */
  actual: { label: number; percent: number }[];
  /** The desired version does not yet take all of the variant's traffic. */
  converging: boolean;
}

export function variantNow(deployment: Pick<Deployment, 'variants'>, variant: { name: string; versionLabel: number }): VariantNow {
  const sets = deployment.variants.filter((v) => v.name === variant.name);
  const actual = sets
    .map((v) => ({ label: v.version.label, percent: v.role === 'shadow' ? v.mirrorPercent : v.trafficWeight }))
    .sort((a, b) => b.percent - a.percent || a.label - b.label);
  const others = actual.filter((a) => a.label !== variant.versionLabel);
  const converging = others.length > 0 || !actual.some((a) => a.label === variant.versionLabel);
  return { name: variant.name, desiredLabel: variant.versionLabel, actual, converging };
}

/** "primary runs v1 now." or, mid-rollout, "primary: v1 answers 90 % of its traffic now, v2 10 %; rolling out to v2." */
export function describeVariantNow(now: VariantNow): string {
  if (!now.converging) return `${now.name} runs v${now.desiredLabel} now.`;
  if (now.actual.length === 0) return `${now.name} does not run yet; rolling out v${now.desiredLabel}.`;
  const [first, ...rest] = now.actual;
  const shares = [`v${first!.label} answers ${first!.percent} % of its traffic now`, ...rest.map((a) => `v${a.label} ${a.percent} %`)].join(', ');
  return `${now.name}: ${shares}; rolling out to v${now.desiredLabel}.`;
}

/** While a rollout runs, what the traffic split is now, per variant and version: "primary v1 100 %, primary v2 0 %". */
export function actualTraffic(deployment: Pick<Deployment, 'variants' | 'rollout'>): string | null {
  if (!deployment.rollout) return null;
  const parts = [...deployment.variants]
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.label - b.version.label)
    .map((v) => (v.role === 'shadow' ? `${v.name} v${v.version.label} mirrors ${v.mirrorPercent} %` : `${v.name} v${v.version.label} ${v.trafficWeight} %`));
  return parts.length > 0 ? parts.join(', ') : null;
}
