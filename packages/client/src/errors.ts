import type { FieldProblem, SlipwayErrorBody } from '@slipway/core';

/**
 * An answer of the API's `{"error": {"code", "message"}}` kind, or a request that never got one (status 0,
 * e.g. `network_error`). The CLI, scripts and the console all throw it.
 */
export class SlipwayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** A `validation_error`'s plain sentence per field (dotted path), for a form to show on the field. */
    readonly fields: readonly FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'SlipwayError';
  }
}

type ErrorWithFields = SlipwayErrorBody['error'] & { fields?: unknown };

const isFieldProblem = (p: unknown): p is FieldProblem =>
  typeof (p as FieldProblem | null)?.field === 'string' && typeof (p as FieldProblem).message === 'string';

function errorOf(text: string): ErrorWithFields | null {
  try {
    const { error } = JSON.parse(text) as { error?: ErrorWithFields };
    return typeof error?.code === 'string' && typeof error.message === 'string' && error.code && error.message ? error : null;
  } catch {
    return null;
  }
}

/** Reads an error body; anything else (a proxy's HTML page, an empty body) still yields a message. */
export function toSlipwayError(status: number, text: string): SlipwayError {
  const error = errorOf(text);
  if (error) {
    const fields = Array.isArray(error.fields) ? error.fields.filter(isFieldProblem) : [];
    return new SlipwayError(status, error.code, error.message, fields);
  }
  return new SlipwayError(status, 'http_error', `the server answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`);
}
