'use client';

import type { GraphSpec, GraphTypeError, TensorSpec } from '@slipway/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, request } from './api';
import type { StepTimingView } from './graph-elements';

export interface GraphView {
  id: string;
  name: string;
  currentRevision: number;
  brokenReason: string | null;
  spec: GraphSpec | null;
  endpoints: { predict: string; oipInfer: string };
  revisions: { number: number; reason: string; author: string; createdAt: string }[];
}

export interface GraphTraceView {
  traceId: string;
  revision: number;
  status: number;
  durationMs: number;
  failed: boolean;
  steps: StepTimingView[];
  createdAt: string;
}

const keys = {
  graph: (name: string) => ['graphs', name] as const,
  traces: (name: string) => ['graphs', name, 'traces'] as const,
};

export const useGraph = (name: string) =>
  useQuery({ queryKey: keys.graph(name), queryFn: () => request<{ graph: GraphView }>('GET', `/graphs/${encodeURIComponent(name)}`).then((r) => r.graph) });

/** Stored traces, refreshed every 5 s: the per-step figures and the waterfall read them. */
export const useGraphTraces = (name: string) =>
  useQuery({
    queryKey: keys.traces(name),
    queryFn: () => request<{ traces: GraphTraceView[] }>('GET', `/graphs/${encodeURIComponent(name)}/traces?limit=200`).then((r) => r.traces),
    refetchInterval: 5_000,
  });

/** The type-check's answer for a draft: its outputs, or the refused edges (a 400 is an answer here, not a failure). */
export async function checkDraft(spec: unknown): Promise<{ outputs?: TensorSpec[]; typeErrors: GraphTypeError[]; message?: string }> {
  const response = await fetch('/api/v1/graphs/check', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spec }) });
  const body = (await response.json()) as { outputs?: TensorSpec[]; typeErrors?: GraphTypeError[]; error?: { message: string } };
  return { ...(body.outputs && { outputs: body.outputs }), typeErrors: body.typeErrors ?? [], ...(body.error && { message: body.error.message }) };
}

export function useSaveGraph(name: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (spec: unknown) => request<{ graph: GraphView }>('PUT', `/graphs/${encodeURIComponent(name)}`, { spec }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.graph(name) }),
  });
}

export { ApiError };
