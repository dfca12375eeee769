import type { V1EndpointSlice } from '@kubernetes/client-node';

/** One pod as the EndpointSlices of its variant's Service publish it. */
export interface PodEndpoint {
  address: string;
  /** Passing its readiness probe and not terminating: may receive requests. */
  ready: boolean;
}

/**
 * Pod name → its HTTP address and readiness, from the EndpointSlices of variant Services. A pod in several slices
 * (during a slice update) counts as ready if any slice says so.
 */
export function podEndpoints(slices: readonly V1EndpointSlice[]): Map<string, PodEndpoint> {
  const pods = new Map<string, PodEndpoint>();
  for (const slice of slices) {
    const port = slice.ports?.find((p) => p.name === 'http')?.port;
    if (!port) continue;
    for (const endpoint of slice.endpoints ?? []) {
      const pod = endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef.name : undefined;
      const ip = endpoint.addresses?.[0];
      if (!pod || !ip) continue;
      const host = slice.addressType === 'IPv6' ? `[${ip}]` : ip;
      // Absent `ready` means ready (discovery.k8s.io/v1); a terminating endpoint is never ready.
      const ready = endpoint.conditions?.ready !== false && endpoint.conditions?.terminating !== true;
      const known = pods.get(pod);
      pods.set(pod, { address: `http://${host}:${port}`, ready: ready || (known?.ready ?? false) });
    }
  }
  return pods;
}
