/** A request the runtime refuses; `status` and `code` reach the caller. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: 'bad_request' | 'invalid_input' | 'not_found' | 'payload_too_large' | 'model_error' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

export function badRequest(message: string): RequestError {
  return new RequestError(400, 'bad_request', message);
}

/** The first zod issue as a one-line message, with the path into the body. */
export function describeIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request body';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
