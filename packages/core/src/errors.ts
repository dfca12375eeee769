/**
 * The one error catalogue: every error code a Slipway service answers with, its HTTP status and a
 * default message, which services emit it and in which protocols. Services render it with
 * `renderError`; the per-model API docs read it as data.
 */

/** Wire protocols and their error shapes: Slipway's `{"error":{"code","message"}}`, OIP and KServe V1's `{"error":"…"}`. */
export type ErrorProtocol = 'slipway' | 'oip' | 'kserve-v1';
export type ErrorService = 'web' | 'gateway' | 'runtime';

export interface ErrorDefinition {
  status: number;
  message: string;
  services: readonly ErrorService[];
  protocols: readonly ErrorProtocol[];
}

const CONTROL_PLANE = ['slipway'] as const;
const DATA_PLANE = ['slipway', 'oip', 'kserve-v1'] as const;

export const ERROR_CATALOGUE = {
  // Caller mistakes: 4xx.
  bad_request: { status: 400, message: 'the request is malformed', services: ['web', 'gateway', 'runtime'], protocols: DATA_PLANE },
  invalid_input: { status: 400, message: "the inputs do not fit the model's signature", services: ['runtime'], protocols: DATA_PLANE },
  validation_error: { status: 400, message: 'the request body or query is invalid', services: ['web'], protocols: CONTROL_PLANE },
  invalid_json: { status: 400, message: 'the body is not valid JSON', services: ['web'], protocols: CONTROL_PLANE },
  upload_aborted: { status: 400, message: 'the upload was interrupted', services: ['web'], protocols: CONTROL_PLANE },
  unauthorized: { status: 401, message: 'missing or invalid credentials', services: ['web', 'gateway', 'runtime'], protocols: DATA_PLANE },
  invalid_credentials: { status: 401, message: 'wrong email or password', services: ['web'], protocols: CONTROL_PLANE },
  forbidden: { status: 403, message: 'you do not have permission to do this', services: ['web', 'gateway'], protocols: DATA_PLANE },
  // Not 413 like storage: nothing sent is too large; the team may not run that much.
  compute_quota_exceeded: { status: 403, message: "the team's compute quota does not leave room for this", services: ['web'], protocols: CONTROL_PLANE },
  not_found: { status: 404, message: 'not found', services: ['web', 'gateway', 'runtime'], protocols: DATA_PLANE },
  conflict: { status: 409, message: 'conflicts with the current state', services: ['web'], protocols: CONTROL_PLANE },
  payload_too_large: { status: 413, message: 'the body is too large', services: ['web', 'gateway', 'runtime'], protocols: DATA_PLANE },
  quota_exceeded: { status: 413, message: "the team's storage quota does not leave room for this", services: ['web'], protocols: CONTROL_PLANE },
  /** The web server's HTTP parser gave up waiting for the request. */
  request_timeout: { status: 408, message: 'the request was not received in time', services: ['web'], protocols: CONTROL_PLANE },
  unsupported_media_type: { status: 415, message: 'unsupported content type', services: ['web'], protocols: CONTROL_PLANE },
  /** A graph's switch: no case matched the request and the switch has no default. */
  no_matching_case: { status: 422, message: "no case of the graph's switch matches the request", services: ['gateway'], protocols: DATA_PLANE },
  rate_limited: { status: 429, message: 'rate limit exceeded for this API key', services: ['gateway'], protocols: DATA_PLANE },
  too_many_requests: { status: 429, message: 'too many failed sign-ins; try again later', services: ['web'], protocols: CONTROL_PLANE },
  // An uploaded artifact refused (packages/artifacts' ArtifactError): the archive or the model in it.
  unsupported_format: { status: 415, message: 'the artifact is not in a supported format', services: ['web'], protocols: CONTROL_PLANE },
  unsafe_path: { status: 400, message: 'the archive has an entry outside its root', services: ['web'], protocols: CONTROL_PLANE },
  link_entry: { status: 400, message: 'the archive holds a symbolic or hard link', services: ['web'], protocols: CONTROL_PLANE },
  special_file: { status: 400, message: 'the archive holds a device, FIFO or other special file', services: ['web'], protocols: CONTROL_PLANE },
  too_large: { status: 413, message: 'the artifact unpacks to more than allowed', services: ['web'], protocols: CONTROL_PLANE },
  compression_ratio: { status: 413, message: 'the archive decompresses too far for its size', services: ['web'], protocols: CONTROL_PLANE },
  nested_archive: { status: 400, message: 'the archive holds another archive', services: ['web'], protocols: CONTROL_PLANE },
  duplicate_entry: { status: 400, message: 'the archive holds the same path twice', services: ['web'], protocols: CONTROL_PLANE },
  corrupt_archive: { status: 400, message: 'the archive is corrupt or truncated', services: ['web'], protocols: CONTROL_PLANE },
  no_model: { status: 422, message: 'the artifact holds no model', services: ['web'], protocols: CONTROL_PLANE },
  ambiguous_model: { status: 422, message: 'the artifact holds several models and names none of them', services: ['web'], protocols: CONTROL_PLANE },
  invalid_manifest: { status: 422, message: 'the manifest is invalid', services: ['web'], protocols: CONTROL_PLANE },
  not_onnx: { status: 422, message: 'the file is not an ONNX model', services: ['web'], protocols: CONTROL_PLANE },
  /** A URL or headers past the web server's 16 KB. */
  headers_too_large: { status: 431, message: 'the URL or the request headers are too large', services: ['web'], protocols: CONTROL_PLANE },
  // Server side: 5xx. A replica's 500 means the model failed on a valid input.
  internal: { status: 500, message: 'internal error', services: ['web', 'runtime'], protocols: DATA_PLANE },
  model_error: { status: 500, message: 'the model failed on this input', services: ['runtime'], protocols: DATA_PLANE },
  gateway_unavailable: { status: 502, message: 'the gateway could not be reached', services: ['web'], protocols: CONTROL_PLANE },
  upstream_unavailable: { status: 502, message: 'no replica answered the request', services: ['gateway'], protocols: DATA_PLANE },
  /** A service did not finish its answer within its requestTimeoutSeconds. */
  upstream_timeout: { status: 504, message: 'the service did not answer in time', services: ['gateway'], protocols: DATA_PLANE },
  /** A hard step of a graph failed (its own error is named in the message). */
  step_failed: { status: 502, message: 'a step of the graph failed', services: ['gateway'], protocols: DATA_PLANE },
  /** A hard step of a graph did not answer within its timeoutMs. */
  step_timeout: { status: 504, message: 'a step of the graph did not answer in time', services: ['gateway'], protocols: DATA_PLANE },
  no_ready_replica: { status: 503, message: 'the deployment has no ready replica', services: ['gateway'], protocols: DATA_PLANE },
  /** Held for a sleeping deployment when the gateway shut down. */
  waking: { status: 503, message: 'the deployment is waking up; retry shortly', services: ['gateway'], protocols: DATA_PLANE },
  /** Held for a sleeping deployment longer than SLIPWAY_HOLD_TIMEOUT_MS. */
  hold_timeout: { status: 503, message: 'the deployment did not wake up in time; retry shortly', services: ['gateway'], protocols: DATA_PLANE },
  /** The deployment already holds SLIPWAY_HOLD_MAX_REQUESTS requests while it wakes. */
  hold_full: { status: 503, message: 'the deployment holds too many waiting requests; retry shortly', services: ['gateway'], protocols: DATA_PLANE },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
/** The codes one service emits, e.g. `ServiceErrorCode<'gateway'>`. */
export type ServiceErrorCode<S extends ErrorService> = {
  [C in ErrorCode]: S extends (typeof ERROR_CATALOGUE)[C]['services'][number] ? C : never;
}[ErrorCode];

export function errorStatus(code: ErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}

/** Slipway's error body: what every control-plane answer and the data plane's `slipway` protocol send on an error. */
export interface SlipwayErrorBody {
  error: { code: string; message: string };
}

/** Status and JSON body of an error in the caller's protocol; the message defaults to the catalogue's. */
export function renderError(protocol: ErrorProtocol, code: ErrorCode, message: string = ERROR_CATALOGUE[code].message): { status: number; body: unknown } {
  const body = protocol === 'slipway' ? { error: { code, message } } : { error: message };
  return { status: errorStatus(code), body };
}

/** The catalogue as rows (for docs): one per code. */
export function errorCatalogueRows(): ({ code: ErrorCode } & ErrorDefinition)[] {
  return (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).map((code) => ({ code, ...ERROR_CATALOGUE[code] }));
}
