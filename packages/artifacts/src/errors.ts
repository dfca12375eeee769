/** HTTP status per error code: the web server answers uploads with these. */
const STATUS_BY_CODE = {
  unsupported_format: 415,
  unsafe_path: 400,
  link_entry: 400,
  special_file: 400,
  too_large: 413,
  compression_ratio: 413,
  nested_archive: 400,
  duplicate_entry: 400,
  corrupt_archive: 400,
  no_model: 422,
  ambiguous_model: 422,
  invalid_manifest: 422,
  not_onnx: 422,
} as const;

export type ArtifactErrorCode = keyof typeof STATUS_BY_CODE;
export type ArtifactErrorStatus = (typeof STATUS_BY_CODE)[ArtifactErrorCode];

/** A problem with an uploaded artifact; `message` is written for the user who uploaded it. */
export class ArtifactError extends Error {
  readonly status: ArtifactErrorStatus;

  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ArtifactError';
    this.status = STATUS_BY_CODE[code];
  }
}

/**
 * Wraps a decoder failure (zlib, tar-stream, yauzl: plain Errors, zlib's with a Z_* code) as corrupt_archive.
 * Anything else passes through: ArtifactErrors, system errors (ENOSPC, EACCES…), which are the server's problem
 * rather than the upload's, and programming errors (TypeError, ERR_* codes).
 */
export function asCorruptArchive(error: unknown, archiveName: string): unknown {
  if (!(error instanceof Error) || error instanceof ArtifactError || error.name !== 'Error') return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && !code.startsWith('Z_')) return error;
  return new ArtifactError('corrupt_archive', `${archiveName} is corrupt or truncated: ${error.message}`, { cause: error });
}

/** Of the errors from streams that failed together, the one that explains it rather than a knock-on "premature close". */
export function rootCause(errors: readonly unknown[]): unknown {
  const rank = (error: unknown) =>
    error instanceof ArtifactError ? 0 : (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_STREAM_PREMATURE_CLOSE' ? 2 : 1;
  return [...errors].sort((a, b) => rank(a) - rank(b))[0];
}
