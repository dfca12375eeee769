import { ERROR_CATALOGUE, type ServiceErrorCode } from '../errors';

/** Every error a caller of a deployment can receive: its code and status come from the one error catalogue. */
export interface DocumentedError {
  code: string;
  status: number;
  /** Who answers it: the gateway before forwarding, or the model's replica. */
  source: 'gateway' | 'runtime';
  when: string;
}

type DataPlaneCode = ServiceErrorCode<'gateway'> | ServiceErrorCode<'runtime'>;

/** When each code the gateway or a replica emits is answered: a code added to the catalogue fails to compile until it is documented here. */
const WHEN: Record<DataPlaneCode, string> = {
  bad_request: 'the body is not JSON or not in the protocol’s request shape',
  invalid_input: 'an input is missing, unknown, or has the wrong datatype, shape or values',
  unauthorized: 'no API key, or a revoked or unknown one',
  forbidden: 'the API key belongs to a team that may not call this deployment',
  not_found: 'no deployment of this name is serving, or the pinned variant does not take traffic',
  payload_too_large: 'the body is larger than the gateway’s or the replica’s limit',
  rate_limited: 'the API key exceeded its requests per second; see Retry-After',
  internal: 'the replica failed unexpectedly',
  model_error: 'the input fits the signature but the model failed to run on it',
  upstream_unavailable: 'no replica answered (each one tried failed)',
  upstream_timeout: 'a service (runtime: service) did not finish its answer within its requestTimeoutSeconds',
  no_ready_replica: 'the deployment has no ready replica',
  waking: 'the deployment was asleep and the gateway shut down while waking it; see Retry-After',
  hold_timeout: 'the deployment did not wake from zero replicas in time; see Retry-After',
  hold_full: 'too many requests are already waiting for the deployment to wake; see Retry-After',
  no_matching_case: 'graphs only: no case of a switch matched the request and the switch has no default (the message names the conditions)',
  step_failed: 'graphs only: a hard step failed (the message names the step and its error)',
  step_timeout: 'graphs only: a hard step did not answer within its timeoutMs',
};

export const DOCUMENTED_ERRORS: readonly DocumentedError[] = (Object.keys(WHEN) as DataPlaneCode[]).map((code) => {
  const entry = ERROR_CATALOGUE[code];
  const services: readonly string[] = entry.services;
  return { code, status: entry.status, source: services.includes('gateway') ? 'gateway' : 'runtime', when: WHEN[code] };
});

/** The documented errors grouped by HTTP status, in ascending order. */
export function errorsByStatus(errors: readonly DocumentedError[] = DOCUMENTED_ERRORS): Map<number, DocumentedError[]> {
  const byStatus = new Map<number, DocumentedError[]>();
  for (const error of [...errors].sort((a, b) => a.status - b.status)) {
    byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
  }
  return byStatus;
}
