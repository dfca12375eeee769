import { SlipwayError } from '@slipway/client';

/** Exit codes as `kubectl diff` uses them: 0 nothing differs (or success), 1 differences (or a failed rollout), 2 errors. */
export const EXIT = { ok: 0, different: 1, rolloutFailed: 1, error: 2 } as const;

/** A failure the CLI explains in one message and ends with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
  }
}

/** The message a user sees for anything thrown: the API's own words for its errors. */
export function describeError(error: unknown): string {
  if (error instanceof SlipwayError) return error.status ? `${error.message} (${error.code}, HTTP ${error.status})` : error.message;
  return error instanceof Error ? error.message : String(error);
}
