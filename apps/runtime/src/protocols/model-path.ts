import { decodePathSegment } from '@slipway/core';
import type { ServedModel } from './context';
import { RequestError } from './errors';

/** A path segment decoded, or a 400 for a malformed percent-escape (a caller's mistake, never a 500). */
export function decodedSegment(segment: string): string {
  const value = decodePathSegment(segment);
  if (value === undefined) throw new RequestError('bad_request', `malformed percent-escape in the path segment '${segment.slice(0, 40)}'`);
  return value;
}

/** Whether a path's model name (and version, when the path has one) is the served model's; a 404 naming both sides when not. */
export function checkServedModel(model: ServedModel, name: string, version: string | undefined): void {
  if (decodedSegment(name) === model.name && (version === undefined || decodedSegment(version) === model.version)) return;
  const what = `model '${decodedSegment(name)}'${version !== undefined ? ` version ${decodedSegment(version)}` : ''}`;
  throw new RequestError('not_found', `${what} not found on this server (it serves '${model.name}' version ${model.version})`);
}
