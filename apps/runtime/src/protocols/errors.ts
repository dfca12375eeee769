import { errorStatus, type ServiceErrorCode } from '@slipway/core';

/** A request the runtime refuses; `code` (from the error catalogue, which gives its status) and the message reach the caller. */
export class RequestError extends Error {
  readonly status: number;
  constructor(
    readonly code: ServiceErrorCode<'runtime'>,
    message: string,
  ) {
    super(message);
    this.status = errorStatus(code);
  }
}

export function badRequest(message: string): RequestError {
  return new RequestError('bad_request', message);
}

/** The first zod issue as a one-line message, with the path into the body. */
export function describeIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request body';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
