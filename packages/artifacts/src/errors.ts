import { errorStatus, type ErrorCode } from '@slipway/core';

/** The codes an artifact is refused with; each one's status and default message is in the core error catalogue. */
export const ARTIFACT_ERROR_CODES = [
  'unsupported_format',
  'unsafe_path',
  'link_entry',
  'special_file',
  'too_large',
  'compression_ratio',
  'nested_archive',
  'duplicate_entry',
  'corrupt_archive',
  'no_model',
  'ambiguous_model',
  'invalid_manifest',
  'not_onnx',
] as const satisfies readonly ErrorCode[];

export type ArtifactErrorCode = (typeof ARTIFACT_ERROR_CODES)[number];

/** A problem with an uploaded artifact; `message` is written for the user who uploaded it. */
export class ArtifactError extends Error {
  /** The HTTP status the web answers an upload with, from the catalogue. */
  readonly status: number;

  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ArtifactError';
    this.status = errorStatus(code);
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
