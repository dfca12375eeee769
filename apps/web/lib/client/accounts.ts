'use client';

// The console's side of spend, the overview, delete and clone, aliases, scoped keys and the audit log.

import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { auditPage } from '../server/audit-log';
import type { loadOverview } from '../server/overview';
import type { spendReport } from '../server/spend';
import { request } from './api';

export type Overview = Awaited<ReturnType<typeof loadOverview>>;
export type OverviewRow = Overview['deployments'][number];
export type SpendReport = Awaited<ReturnType<typeof spendReport>>;
export type SpendLine = SpendReport['total'];

export type AuditPage = Awaited<ReturnType<typeof auditPage>>;
export type AuditEntry = AuditPage['entries'][number];

export const accountKeys = {
  overview: ['overview'] as const,
  spend: ['spend'] as const,
  audit: (kind: string | undefined) => ['audit', kind ?? null] as const,
};

export const accountsApi = {
  overview: () => request<Overview>('GET', '/overview'),
  spend: () => request<SpendReport>('GET', '/spend'),
  audit: (kind: string | undefined, before: string | undefined) => {
    const query = new URLSearchParams({ limit: '50', ...(kind && { kind }), ...(before && { before }) });
    return request<AuditPage>('GET', `/audit?${query}`);
  },
};

/** Newest page first; older pages load on demand. */
export const useAuditLog = (kind: string | undefined) =>
  useInfiniteQuery({
    queryKey: accountKeys.audit(kind),
    queryFn: ({ pageParam }) => accountsApi.audit(kind, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: 15_000,
  });

/** Refreshed every 10 s: rates, cost per hour and spend move while replicas run. */
export const useOverview = () => useQuery({ queryKey: accountKeys.overview, queryFn: accountsApi.overview, refetchInterval: 10_000 });
export const useSpend = () => useQuery({ queryKey: accountKeys.spend, queryFn: accountsApi.spend, refetchInterval: 30_000 });

/** "$12.34", "$0.0042": money to the cent, or to four places under a cent. */
export function formatMoney(amount: number): string {
  if (amount !== 0 && Math.abs(amount) < 0.01) return `$${amount.toFixed(4)}`;
  return `$${amount.toFixed(2)}`;
}

/** "3.2 req/s", "0.05 req/s", "—" without traffic. */
export function formatRps(rps: number): string {
  if (rps === 0) return '—';
  return `${rps < 1 ? rps.toFixed(2) : rps.toFixed(1)} req/s`;
}

export const deploymentAccountsApi = {
  deleteDeployment: (name: string) => request<{ deleted: string }>('DELETE', `/deployments/${encodeURIComponent(name)}`),
  cloneDeployment: (name: string, newName: string) =>
    request<{ deployment: { name: string } }>('POST', `/deployments/${encodeURIComponent(name)}/clone`, { name: newName }).then((r) => r.deployment),
};

export const modelAccountsApi = {
  updateModel: (name: string, changes: { description?: string; tags?: string[] }) =>
    request<{ model: unknown }>('PATCH', `/models/${encodeURIComponent(name)}`, changes),
  moveAlias: (model: string, alias: string, versionLabel: number) =>
    request<{ alias: { name: string; versionLabel: number }; rollouts: { deployment: string; revision: number; changes: string[] }[] }>(
      'PUT',
      `/models/${encodeURIComponent(model)}/aliases/${encodeURIComponent(alias)}`,
      { versionLabel },
    ),
  deleteAlias: (model: string, alias: string) => request<void>('DELETE', `/models/${encodeURIComponent(model)}/aliases/${encodeURIComponent(alias)}`),
  follow: (deployment: string, alias: string | null) =>
    request<{ followsAlias: string | null; rollout: { revision: number; changes: string[] } | null }>(
      'PUT',
      `/deployments/${encodeURIComponent(deployment)}/follow`,
      { alias },
    ),
};
