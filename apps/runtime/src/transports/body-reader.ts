import type { IncomingMessage } from 'node:http';
import { formatBytes, jsonNestsDeeperThan, MAX_JSON_DEPTH } from '@slipway/core';
import { BodyTooLargeError, declaredLength, readBoundedBody } from '@slipway/http';
import { RequestError } from '../protocols/errors';

/**
 * Reads an HTTP request's JSON body up to `limit` bytes with the platform's one body reader (`@slipway/http`):
 * a declared or actual size past the limit is a 413 before the body is buffered.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  try {
    const bytes = await readBoundedBody(req, { limitBytes: limit, declaredBytes: declaredLength(req.headers['content-length']), cancel: () => req.destroy() });
    return parseJsonBytes(bytes, limit);
  } catch (error) {
    throw error instanceof BodyTooLargeError ? tooLarge(limit) : error;
  }
}

/** A whole body as JSON: a 413 beyond `limit`, a 400 when too deeply nested or not JSON. */
export function parseJsonBytes(bytes: Buffer, limit: number): unknown {
  if (bytes.length > limit) throw tooLarge(limit);
  if (jsonNestsDeeperThan(bytes)) throw new RequestError('bad_request', `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new RequestError('bad_request', `the body is not valid JSON: ${(error as Error).message}`);
  }
}

function tooLarge(limit: number): RequestError {
  return new RequestError('payload_too_large', `the request body is larger than ${formatBytes(limit)}`);
}
