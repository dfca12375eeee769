/**
 * Every error a caller of a deployment can receive, with the status and stable code the gateway
 * (apps/gateway/src/errors.ts) and the runtime (apps/runtime/src/protocols/errors.ts, server.ts) actually
 * answer. The one place the generated API docs read errors from: point it at the error catalogue when
 * there is one.
 */
export interface DocumentedError {
  code: string;
  status: number;
  /** Who answers it: the gateway before forwarding, or the model's replica. */
  source: 'gateway' | 'runtime';
  when: string;
}

export const DOCUMENTED_ERRORS: readonly DocumentedError[] = [
  { code: 'bad_request', status: 400, source: 'runtime', when: 'the body is not JSON or not in the protocol’s request shape' },
  { code: 'invalid_input', status: 400, source: 'runtime', when: 'an input is missing, unknown, or has the wrong datatype, shape or values' },
  { code: 'unauthorized', status: 401, source: 'gateway', when: 'no API key, or a revoked or unknown one' },
  { code: 'forbidden', status: 403, source: 'gateway', when: 'the API key belongs to a team that may not call this deployment' },
  { code: 'not_found', status: 404, source: 'gateway', when: 'no deployment of this name is serving, or the pinned variant does not take traffic' },
  { code: 'payload_too_large', status: 413, source: 'gateway', when: 'the body is larger than the gateway’s or the replica’s limit' },
  { code: 'rate_limited', status: 429, source: 'gateway', when: 'the API key exceeded its requests per second; see Retry-After' },
  { code: 'model_error', status: 500, source: 'runtime', when: 'the input fits the signature but the model failed to run on it' },
  { code: 'unavailable', status: 500, source: 'runtime', when: 'the replica failed unexpectedly' },
  { code: 'upstream_unavailable', status: 502, source: 'gateway', when: 'no replica answered (each one tried failed)' },
  { code: 'no_ready_replica', status: 503, source: 'gateway', when: 'the deployment has no ready replica' },
  { code: 'waking', status: 503, source: 'gateway', when: 'the deployment was asleep and the gateway shut down while waking it; see Retry-After' },
  { code: 'hold_timeout', status: 503, source: 'gateway', when: 'the deployment did not wake from zero replicas in time; see Retry-After' },
  { code: 'hold_full', status: 503, source: 'gateway', when: 'too many requests are already waiting for the deployment to wake; see Retry-After' },
];

/** The documented errors grouped by HTTP status, in ascending order. */
export function errorsByStatus(errors: readonly DocumentedError[] = DOCUMENTED_ERRORS): Map<number, DocumentedError[]> {
  const byStatus = new Map<number, DocumentedError[]>();
  for (const error of [...errors].sort((a, b) => a.status - b.status)) {
    byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
  }
  return byStatus;
}
