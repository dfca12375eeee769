import { TransitionError } from '@slipway/controller';
import { ERROR_CATALOGUE, errorStatus, type FieldProblem, plainIssues, type ServiceErrorCode } from '@slipway/core';
import { ZodError } from 'zod';
import { log } from './log';

/**
 * The codes the control plane answers with: those the core error catalogue lists for the web (an uploaded
 * artifact's refusals among them), each defined (status, message) once there.
 */
export type ApiErrorCode = ServiceErrorCode<'web'>;

/** The one error type route handlers throw; `errorResponse` maps it (and anything else) to JSON. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Sent with the error, e.g. `Retry-After` on a 429. */
    readonly headers?: Record<string, string>,
    /** A `validation_error`'s problems as one plain sentence per field, for forms to show on the field. */
    readonly fields?: FieldProblem[],
  ) {
    super(message);
  }
  get status(): number {
    return errorStatus(this.code);
  }
}

/** An error whose status comes from a library's own refusal (tus's upload protocol), with the catalogue code closest to it. */
export class ForeignApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
export const forbidden = (message = 'you do not have permission to do this') => new ApiError('forbidden', message);

/** A refused body or query: the terse summary as the message, and each field's problem in plain words. */
export function validationError(error: ZodError): ApiError {
  return new ApiError('validation_error', formatZodError(error), undefined, plainIssues(error.issues));
}

/** A field the server itself refuses (not the schema), said as the schema's refusals are. */
export function fieldError(field: string, sentence: string): ApiError {
  return new ApiError('validation_error', `${field}: ${sentence}`, undefined, [{ field, message: sentence }]);
}

export function formatZodError(error: ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError || error instanceof ForeignApiError || error instanceof TransitionError) {
    const headers = error instanceof ApiError ? error.headers : undefined;
    const fields = error instanceof ApiError && error.fields?.length ? { fields: error.fields } : {};
    return Response.json({ error: { code: error.code, message: error.message, ...fields } }, { status: error.status, headers });
  }
  if (error instanceof ZodError) return errorResponse(validationError(error));
  // A client that went away mid-upload is not a server fault; what it sent was discarded.
  if (isClientAbort(error)) {
    return Response.json({ error: { code: 'upload_aborted', message: ERROR_CATALOGUE.upload_aborted.message } }, { status: errorStatus('upload_aborted') });
  }
  log.error({ err: error }, 'request failed');
  return Response.json({ error: { code: 'internal', message: 'internal server error' } }, { status: errorStatus('internal') });
}

function isClientAbort(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (error instanceof Error && error.name === 'AbortError');
}
