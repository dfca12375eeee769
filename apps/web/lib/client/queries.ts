'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './api';
import type { DeploymentStatus, Version } from './types';

export const queryKeys = {
  me: ['me'] as const,
  models: ['models'] as const,
  model: (name: string) => ['models', name] as const,
  machineTypes: ['machine-types'] as const,
  deployments: ['deployments'] as const,
  deployment: (name: string) => ['deployments', name] as const,
  events: (name: string) => ['deployments', name, 'events'] as const,
  latency: (name: string, minutes: number) => ['deployments', name, 'latency', minutes] as const,
  apiKeys: ['api-keys'] as const,
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

export const useMachineTypes = () =>
  useQuery({ queryKey: queryKeys.machineTypes, queryFn: api.machineTypes, staleTime: 10 * 60_000 });

export const useDeployments = () =>
  useQuery({
    queryKey: queryKeys.deployments,
    queryFn: api.deployments,
    refetchInterval: (query) => (query.state.data?.some((d) => !isTerminal(d.status)) ? LIVE_MS : false),
  });

export const useDeployment = (name: string) =>
  useQuery({
    queryKey: queryKeys.deployment(name),
    queryFn: () => api.deployment(name),
    refetchInterval: (query) => (query.state.data && isTerminal(query.state.data.status) ? SETTLED_MS : LIVE_MS),
  });

/** Keyed by status too, so the events of a status change (e.g. `routed` with `ready`) load at once. */
export const useDeploymentEvents = (name: string, status: DeploymentStatus) =>
  useQuery({
    queryKey: [...queryKeys.events(name), status],
    queryFn: () => api.deploymentEvents(name),
    placeholderData: keepPreviousData,
    refetchInterval: isTerminal(status) ? SETTLED_MS : LIVE_MS,
  });

export const useLatency = (name: string, minutes: number) =>
  useQuery({
    queryKey: queryKeys.latency(name, minutes),
    queryFn: () => api.deploymentLatency(name, minutes),
    placeholderData: keepPreviousData,
    refetchInterval: SETTLED_MS,
  });

export const useApiKeys = () => useQuery({ queryKey: queryKeys.apiKeys, queryFn: api.apiKeys });
export const useUsers = () => useQuery({ queryKey: queryKeys.users, queryFn: api.users });
export const useTeams = () => useQuery({ queryKey: queryKeys.teams, queryFn: api.teams });
