import type { SlipwayErrorBody } from '@slipway/core';

/**
 * An answer of the API's `{"error": {"code", "message"}}` kind, or a request that never got one (status 0,
 * e.g. `network_error`). The CLI, scripts and the console all throw it.
 */
export class SlipwayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SlipwayError';
  }
}

function errorOf(text: string): SlipwayErrorBody['error'] | null {
  try {
    const { error } = JSON.parse(text) as Partial<SlipwayErrorBody>;
    return typeof error?.code === 'string' && typeof error.message === 'string' && error.code && error.message ? error : null;
  } catch {
    return null;
  }
}

/** Reads an error body; anything else (a proxy's HTML page, an empty body) still yields a message. */
export function toSlipwayError(status: number, text: string): SlipwayError {
  const error = errorOf(text);
  if (error) return new SlipwayError(status, error.code, error.message);
  return new SlipwayError(status, 'http_error', `the server answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`);
}
