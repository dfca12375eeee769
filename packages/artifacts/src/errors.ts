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
 * Wraps a decoder failure (zlib, tar-stream, yauzl) as corrupt_archive. ArtifactErrors pass through, and so do
 * system errors (ENOSPC, EACCES…), which are the server's problem rather than the upload's.
 */
export function asCorruptArchive(error: unknown, archiveName: string): Error {
  if (error instanceof ArtifactError) return error;
  if (error instanceof Error && 'syscall' in error) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ArtifactError('corrupt_archive', `${archiveName} is corrupt or truncated: ${reason}`, { cause: error });
}

/** Of the errors from streams that failed together, the one that explains it rather than a knock-on "premature close". */
export function rootCause(errors: readonly unknown[]): unknown {
  const rank = (error: unknown) =>
    error instanceof ArtifactError ? 0 : (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_STREAM_PREMATURE_CLOSE' ? 2 : 1;
  return [...errors].sort((a, b) => rank(a) - rank(b))[0];
}
