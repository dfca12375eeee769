'use client';

import type { CaptureRecord, QualitySettings } from '@slipway/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { deploymentQuality, listCaptures } from '../server/quality';
import { request } from './api';

/** GET /deployments/{name}/quality (lib/server/quality.ts). */
export type QualityReport = Awaited<ReturnType<typeof deploymentQuality>>;
export type VariantQuality = QualityReport['variants'][number];
export type CaptureList = Awaited<ReturnType<typeof listCaptures>>;
export type CaptureSummary = CaptureList['captures'][number];
export type { CaptureRecord, QualitySettings };

export interface CaptureFilters {
  variant?: string;
  status?: 'success' | 'error';
  from?: string;
  to?: string;
}

const enc = encodeURIComponent;
const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params)
      .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
      .map(([k, v]) => [k, String(v)]),
  ).toString();

export const qualityApi = {
  settings: (name: string) => request<{ settings: QualitySettings }>('GET', `/deployments/${enc(name)}/quality/settings`),
  saveSettings: (name: string, settings: QualitySettings) =>
    request<{ settings: QualitySettings }>('PUT', `/deployments/${enc(name)}/quality/settings`, settings),
  report: (name: string, minutes: number) => request<QualityReport>('GET', `/deployments/${enc(name)}/quality?minutes=${minutes}`),
  captures: (name: string, filters: CaptureFilters) => request<CaptureList>('GET', `/deployments/${enc(name)}/captures?${query({ ...filters, limit: 100 })}`),
  capture: (name: string, requestId: string, at: string) =>
    request<{ capture: CaptureRecord }>('GET', `/deployments/${enc(name)}/captures/${enc(requestId)}?${query({ at })}`),
  downloadUrl: (name: string, from: string, to: string) => `/api/v1/deployments/${enc(name)}/captures/download?${query({ from, to })}`,
};

export const qualityKeys = {
  settings: (name: string) => ['deployments', name, 'quality', 'settings'] as const,
  report: (name: string, minutes: number) => ['deployments', name, 'quality', minutes] as const,
  captures: (name: string, filters: CaptureFilters) => ['deployments', name, 'captures', filters] as const,
  capture: (name: string, requestId: string) => ['deployments', name, 'captures', requestId] as const,
};

export const useQualitySettings = (name: string) => useQuery({ queryKey: qualityKeys.settings(name), queryFn: () => qualityApi.settings(name) });

export const useQualityReport = (name: string, minutes: number) =>
  useQuery({
    queryKey: qualityKeys.report(name, minutes),
    queryFn: () => qualityApi.report(name, minutes),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });

export const useCaptures = (name: string, filters: CaptureFilters) =>
  useQuery({
    queryKey: qualityKeys.captures(name, filters),
    queryFn: () => qualityApi.captures(name, filters),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });

export const useCapture = (name: string, requestId: string | null, at: string | null) =>
  useQuery({
    queryKey: qualityKeys.capture(name, requestId ?? ''),
    queryFn: () => qualityApi.capture(name, requestId!, at!),
    enabled: requestId !== null && at !== null,
  });
