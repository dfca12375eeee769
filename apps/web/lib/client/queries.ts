'use client';

import { rolloutInProgress } from '@slipway/core';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from './api';
import type { Deployment, DeploymentStatus, PerformanceWindow, Version } from './types';

export const queryKeys = {
  me: ['me'] as const,
  models: ['models'] as const,
  model: (name: string) => ['models', name] as const,
  machineTypes: ['machine-types'] as const,
  deployments: ['deployments'] as const,
  deployment: (name: string) => ['deployments', name] as const,
  events: (name: string) => ['deployments', name, 'events'] as const,
  latency: (name: string, minutes: number) => ['deployments', name, 'latency', minutes] as const,
  revisions: (name: string) => ['deployments', name, 'revisions'] as const,
  comparison: (name: string, minutes: number) => ['deployments', name, 'comparison', minutes] as const,
  scaling: (name: string, minutes: number) => ['deployments', name, 'scaling', minutes] as const,
  drift: (name: string) => ['deployments', name, 'drift'] as const,
  performance: (name: string, window: PerformanceWindow, variant: string | undefined) => ['deployments', name, 'performance', window, variant ?? null] as const,
  alertRules: (name: string) => ['deployments', name, 'alerts'] as const,
  alertHistory: (name: string) => ['deployments', name, 'alerts', 'history'] as const,
  apiKeys: ['api-keys'] as const,
  secrets: (teamId: string) => ['teams', teamId, 'secrets'] as const,
  users: ['users'] as const,
  teams: ['teams'] as const,
};

const TERMINAL: readonly DeploymentStatus[] = ['ready', 'failed', 'stopped'];
const isTerminal = (status: DeploymentStatus) => TERMINAL.includes(status);

/** Live views poll fast while something is changing and slowly (or not at all) once it settled. */
const LIVE_MS = 1_000;
const SETTLED_MS = 5_000;

/** Uploaded and validating versions are still being inspected by the worker. */
export const isInspecting = (version: Version | null | undefined) => version?.status === 'uploaded' || version?.status === 'validating';

/** The target revision is not the stable one yet: an update is refused (409) unless it supersedes. */
export const isRollingOut = (d: Pick<Deployment, 'status' | 'revision' | 'stableRevision'>) =>
  rolloutInProgress({ status: d.status, targetRevision: d.revision, stableRevision: d.stableRevision });

export const useMe = () => useQuery({ queryKey: queryKeys.me, queryFn: api.me, staleTime: 60_000 });

export const useModels = () =>
  useQuery({
    queryKey: queryKeys.models,
    queryFn: api.models,
    refetchInterval: (query) => (query.state.data?.some((m) => isInspecting(m.latestVersion)) ? LIVE_MS : false),
  });

export const useModel = (name: string, enabled = true) =>
  useQuery({
    queryKey: queryKeys.model(name),
    queryFn: () => api.model(name),
    enabled,
    refetchInterval: (query) => (query.state.data?.versions.some(isInspecting) ? LIVE_MS : false),
  });

export const useMachineTypes = () => useQuery({ queryKey: queryKeys.machineTypes, queryFn: api.machineTypes, staleTime: 10 * 60_000 });

export const useDeployments = () =>
  useQuery({
    queryKey: queryKeys.deployments,
    queryFn: api.deployments,
    refetchInterval: (query) => (query.state.data?.some((d) => !isTerminal(d.status)) ? LIVE_MS : false),
  });

/**
 * Replicas on their way to the desired count while the deployment serves: an autoscaler (or a wake from
 * zero) moved it, and replicas start or drain. Short-lived, so it is worth watching closely.
 */
export const isScaling = (d: Pick<Deployment, 'status' | 'variants'>) =>
  d.status === 'ready' &&
  d.variants.some(
    (v) =>
      v.replicaList.some((r) => r.state === 'starting' || r.state === 'draining') || v.replicaList.filter((r) => r.state === 'ready').length !== v.replicas,
  );

/** Changing: a status on its way somewhere, a rollout (steps, bake times, traffic) in progress, or replicas scaling. */
const isSettled = (d: Pick<Deployment, 'status' | 'rollout'> & Partial<Pick<Deployment, 'variants'>>) =>
  isTerminal(d.status) && d.rollout === null && !(d.variants && isScaling({ status: d.status, variants: d.variants }));

export const useDeployment = (name: string) =>
  useQuery({
    queryKey: queryKeys.deployment(name),
    queryFn: () => api.deployment(name),
    refetchInterval: (query) => (query.state.data && isSettled(query.state.data) ? SETTLED_MS : LIVE_MS),
  });

/**
 * Keyed by status and target revision too, so the events of a change (e.g. `routed` with `ready`,
 * `revision` with an update) load at once; live while a rollout is in progress.
 */
export const useDeploymentEvents = (deployment: Pick<Deployment, 'name' | 'status' | 'revision' | 'rollout'> & Partial<Pick<Deployment, 'variants'>>) =>
  useQuery({
    queryKey: [...queryKeys.events(deployment.name), deployment.status, deployment.revision],
    queryFn: () => api.deploymentEvents(deployment.name),
    placeholderData: keepPreviousData,
    refetchInterval: isSettled(deployment) ? SETTLED_MS : LIVE_MS,
  });

/** Revisions change with the target and the stable revision: keyed by both, they reload when either moves. */
export const useDeploymentRevisions = (deployment: Pick<Deployment, 'name' | 'revision' | 'stableRevision'>) =>
  useQuery({
    queryKey: [...queryKeys.revisions(deployment.name), deployment.revision, deployment.stableRevision],
    queryFn: () => api.deploymentRevisions(deployment.name),
    placeholderData: keepPreviousData,
  });

export const useDeploymentComparison = (name: string, minutes: number) =>
  useQuery({
    queryKey: queryKeys.comparison(name, minutes),
    queryFn: () => api.deploymentComparison(name, minutes),
    placeholderData: keepPreviousData,
    refetchInterval: SETTLED_MS,
  });

export const useLatency = (name: string, minutes: number) =>
  useQuery({
    queryKey: queryKeys.latency(name, minutes),
    queryFn: () => api.deploymentLatency(name, minutes),
    placeholderData: keepPreviousData,
    refetchInterval: SETTLED_MS,
  });

/** The window the Scaling card reads its bounds from, and the replicas chart starts with: one request for both. */
export const DEFAULT_SCALING_MINUTES = 15;

/** The autoscaler samples every 5 s: refetch as often. */
export const useDeploymentScaling = (name: string, minutes: number) =>
  useQuery({
    queryKey: queryKeys.scaling(name, minutes),
    queryFn: () => api.deploymentScaling(name, minutes),
    placeholderData: keepPreviousData,
    refetchInterval: SETTLED_MS,
  });

/** Replicas report drift windows every 10 s and the worker stores them per minute: refetch every 10 s. */
export const useDeploymentDrift = (name: string, minutes: number, variant: string | undefined) =>
  useQuery({
    queryKey: [...queryKeys.drift(name), minutes, variant ?? null],
    queryFn: () => api.deploymentDrift(name, minutes, variant),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });

/** Rules change state when the worker evaluates them (every 15 s by default): poll like the other monitoring cards. */
export const useAlertRules = (name: string) =>
  useQuery({ queryKey: queryKeys.alertRules(name), queryFn: () => api.alertRules(name), refetchInterval: SETTLED_MS });

/** Newest page first; older pages load on demand and refresh with it. */
export const useAlertHistory = (name: string) =>
  useInfiniteQuery({
    queryKey: queryKeys.alertHistory(name),
    queryFn: ({ pageParam }) => api.alertHistory(name, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: SETTLED_MS,
  });

export const useSecrets = (teamId: string | undefined) =>
  useQuery({ queryKey: queryKeys.secrets(teamId ?? ''), queryFn: () => api.secrets(teamId!), enabled: teamId !== undefined });
export const useApiKeys = () => useQuery({ queryKey: queryKeys.apiKeys, queryFn: api.apiKeys });
export const useUsers = () => useQuery({ queryKey: queryKeys.users, queryFn: api.users });
export const useTeams = () => useQuery({ queryKey: queryKeys.teams, queryFn: api.teams });

/** Gateways write rollups and the worker samples replicas every few seconds: refetch as often. */
export const useDeploymentPerformance = (name: string, window: PerformanceWindow, variant: string | undefined) =>
  useQuery({
    queryKey: queryKeys.performance(name, window, variant),
    queryFn: () => api.deploymentPerformance(name, window, variant),
    placeholderData: keepPreviousData,
    refetchInterval: SETTLED_MS,
  });
