'use client';

import {
  addUsage,
  hourlyCostRange,
  NO_USAGE,
  remainingQuota,
  UNLIMITED_QUOTA,
  worstCaseUsage,
  type ComputeQuota,
  type ComputeUsage,
  type SizedVariant,
} from '@slipway/core';
import { useQuery } from '@tanstack/react-query';
import { ApiError, redirectToLogin, toApiError } from './api';
import { queryKeys } from './queries';
import type { serializeTeamWithMembers } from '../server/teams';
import type { DeploymentStatus, MachineType, TeamRole } from './types';

export type { ComputeQuota, ComputeUsage };

/** `compute.used` counts each deployment that holds compute (not stopped or failed) at its worst case. */
export interface TeamCompute {
  quota: ComputeQuota;
  used: ComputeUsage;
}

/** GET /teams (admins): a team with its compute quota and usage. */
export type AdminTeam = ReturnType<typeof serializeTeamWithMembers>;

/** GET /usage: one of the caller's teams (every team for platform admins). */
export interface TeamUsage {
  id: string;
  name: string;
  /** null: a platform admin who is not a member. */
  role: TeamRole | null;
  storageQuotaBytes: number | null;
  storageUsedBytes: number;
  compute: TeamCompute & { deployments: { name: string; status: DeploymentStatus; usage: ComputeUsage }[] };
}

/** PATCH /teams/{id}: any subset; null lifts a limit. */
export interface TeamQuotaChanges {
  storageQuotaBytes?: number | null;
  vcpuQuota?: number | null;
  memoryQuotaMb?: number | null;
  replicaQuota?: number | null;
  gpuQuota?: Record<string, number> | null;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'could not reach the server; check your connection');
  }
  const text = await response.text();
  if (!response.ok) {
    if (response.status === 401) redirectToLogin();
    throw toApiError(response.status, text);
  }
  return JSON.parse(text) as T;
}

export const quotaApi = {
  adminTeams: () => request<{ teams: AdminTeam[] }>('GET', '/teams').then((r) => r.teams),
  usage: () => request<{ teams: TeamUsage[] }>('GET', '/usage').then((r) => r.teams),
  updateTeamQuotas: (teamId: string, changes: TeamQuotaChanges) =>
    request<{ team: Omit<AdminTeam, 'members'> }>('PATCH', `/teams/${encodeURIComponent(teamId)}`, changes).then((r) => r.team),
};

export const usageQueryKey = ['usage'] as const;

/** The same request as `useTeams`, under its key (its invalidations refresh this), typed with the compute fields. */
export const useAdminTeams = () => useQuery({ queryKey: queryKeys.teams, queryFn: quotaApi.adminTeams });

export const useUsage = () => useQuery({ queryKey: usageQueryKey, queryFn: quotaApi.usage, staleTime: 10_000 });

/** A variant as a deploy or scale form holds it; `maxReplicas` (and `minReplicas`) when it autoscales. */
export interface VariantDraft {
  name?: string;
  machineType: string;
  replicas: number;
  minReplicas?: number;
  maxReplicas?: number;
}

const toSized = (v: VariantDraft, i: number): SizedVariant => ({
  name: v.name ?? `variant-${i + 1}`,
  machineType: v.machineType,
  replicas: v.replicas,
  autoscaling: v.maxReplicas === undefined ? undefined : { minReplicas: v.minReplicas ?? v.replicas, maxReplicas: v.maxReplicas },
});

export type QuotaDimension = 'vcpu' | 'memoryMb' | 'replicas' | `gpu:${string}`;

export interface DimensionImpact {
  dimension: QuotaDimension;
  /** At the drafted spec's worst case. */
  needs: number;
  /** null: no limit. */
  remaining: number | null;
  exceeds: boolean;
}

export interface QuotaImpact {
  dimensions: DimensionImpact[];
  /** Dollars per hour at the fewest and the most replicas. */
  cost: { min: number; max: number };
}

/**
 * What a drafted spec takes from the team's compute quota, as the server will judge it: its worst
 * case against what remains beside the team's other deployments (`deploymentName`'s current one is
 * what the draft replaces, so it is left out).
 */
export function quotaImpact(variants: VariantDraft[], machineTypes: MachineType[], team: TeamUsage | undefined, deploymentName?: string): QuotaImpact {
  const spec = { variants: variants.map(toSized) };
  const needed = worstCaseUsage(spec, machineTypes);
  const deployments = team?.compute.deployments ?? [];
  const others = deployments.filter((d) => d.name !== deploymentName).reduce((sum, d) => addUsage(sum, d.usage), NO_USAGE);
  const replacing = deployments.find((d) => d.name === deploymentName)?.usage ?? NO_USAGE;
  const left = remainingQuota(team?.compute.quota ?? UNLIMITED_QUOTA, others);
  // As on the server: a change that does not grow a dimension is never refused for it.
  const impact = (dimension: QuotaDimension, needs: number, remaining: number | null, before: number): DimensionImpact => ({
    dimension,
    needs,
    remaining,
    exceeds: remaining !== null && needs > remaining && needs > before,
  });
  return {
    dimensions: [
      impact('vcpu', needed.vcpu, left.vcpu, replacing.vcpu),
      impact('memoryMb', needed.memoryMb, left.memoryMb, replacing.memoryMb),
      impact('replicas', needed.replicas, left.replicas, replacing.replicas),
      ...Object.entries(needed.gpus).map(([type, count]) => impact(`gpu:${type}`, count, left.gpus[type] ?? null, replacing.gpus[type] ?? 0)),
    ],
    cost: hourlyCostRange(spec, machineTypes),
  };
}

const dollars = (n: number) => `$${n.toFixed(n < 1 ? 3 : 2)}`;

/** "$0.100–$0.400/hour", or one price when the replica count is fixed. */
export const formatCostRange = ({ min, max }: { min: number; max: number }) => `${min === max ? dollars(min) : `${dollars(min)}–${dollars(max)}`}/hour`;

export const formatMemoryMb = (mb: number) => (mb >= 1024 ? `${+(mb / 1024).toFixed(1)} GB` : `${mb} MB`);

const gpuType = (dimension: QuotaDimension) => dimension.slice('gpu:'.length);

/** The number alone: "4", "8 GB". */
export const formatNumber = (dimension: QuotaDimension, n: number) => (dimension === 'memoryMb' ? formatMemoryMb(n) : String(n));

/** With its unit: "4 vCPU", "8 GB of memory", "2 replicas", "1 nvidia-t4 GPU". */
export function formatAmount(dimension: QuotaDimension, n: number): string {
  if (dimension === 'vcpu') return `${n} vCPU`;
  if (dimension === 'memoryMb') return `${formatMemoryMb(n)} of memory`;
  if (dimension === 'replicas') return `${n} ${n === 1 ? 'replica' : 'replicas'}`;
  return `${n} ${gpuType(dimension)} ${n === 1 ? 'GPU' : 'GPUs'}`;
}

export function dimensionLabel(dimension: QuotaDimension): string {
  if (dimension === 'vcpu') return 'vCPU';
  if (dimension === 'memoryMb') return 'Memory';
  if (dimension === 'replicas') return 'Replicas';
  return `${gpuType(dimension)} GPUs`;
}

/** Every dimension a team is limited in or uses, GPU types sorted. */
export function usageByDimension({ quota, used }: TeamCompute): { dimension: QuotaDimension; used: number; limit: number | null }[] {
  const gpuTypes = [...new Set([...Object.keys(quota.gpus), ...Object.keys(used.gpus)])].sort();
  return [
    { dimension: 'vcpu', used: used.vcpu, limit: quota.vcpu },
    { dimension: 'memoryMb', used: used.memoryMb, limit: quota.memoryMb },
    { dimension: 'replicas', used: used.replicas, limit: quota.replicas },
    ...gpuTypes.map((type) => ({ dimension: `gpu:${type}` as const, used: used.gpus[type] ?? 0, limit: quota.gpus[type] ?? null })),
  ];
}
