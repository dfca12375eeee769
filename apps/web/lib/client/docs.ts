import { useQuery } from '@tanstack/react-query';
import { request } from './api';
import type { Signature } from './types';

export interface BreakingChange {
  kind: string;
  tensor: string;
  message: string;
}

/** A version a deployment serves or served, as `GET /deployments/{name}/docs` lists it. */
export interface DocsVersion {
  label: number;
  digest: string;
  createdAt: string;
  serving: boolean;
  current: boolean;
  description: string | null;
  features: string[] | null;
  signature: Signature;
  example: { source: 'recorded' | 'generated'; inputs: Record<string, unknown>; outputs: Record<string, unknown> | null };
  /** What breaks for callers of `previousLabel`; empty when this version is a drop-in replacement. */
  breakingChanges: BreakingChange[];
  previousLabel: number | null;
}

export interface DeploymentDocs {
  deployment: string;
  model: string | null;
  gatewayUrl: string;
  versions: DocsVersion[];
  /** A service (runtime: service): its base URL, health contract and curl line instead of versions' tensor APIs. */
  service?: ServiceDocs;
}

import type { ServiceDocs } from '../server/service-docs';

export type { ServiceDocs };

const enc = encodeURIComponent;

export const useDeploymentDocs = (name: string) =>
  useQuery({ queryKey: ['deployments', name, 'docs'], queryFn: () => request<DeploymentDocs>('GET', `/deployments/${enc(name)}/docs`) });

export const useDeploymentOpenApi = (name: string, version: number | undefined) =>
  useQuery({
    queryKey: ['deployments', name, 'openapi', version],
    queryFn: () => request<Record<string, unknown>>('GET', `/deployments/${enc(name)}/openapi.json?version=${version}`),
    enabled: version !== undefined,
  });

export const useControlPlaneOpenApi = () => useQuery({ queryKey: ['openapi'], queryFn: () => request<Record<string, unknown>>('GET', '/openapi.json') });
