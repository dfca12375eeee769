import { ERROR_CATALOGUE, renderError } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { ARTIFACT_ERROR_CODES, ArtifactError } from './errors';

describe('artifact refusals', () => {
  it('are codes of the one error catalogue, answered with its status', () => {
    for (const code of ARTIFACT_ERROR_CODES) {
      const error = new ArtifactError(code, 'explained for the uploader');
      expect(error.status, code).toBe(ERROR_CATALOGUE[code].status);
      expect(renderError('slipway', code, error.message)).toEqual({ status: error.status, body: { error: { code, message: 'explained for the uploader' } } });
    }
    expect(
      Object.fromEntries(['unsupported_format', 'unsafe_path', 'compression_ratio', 'no_model'].map((c) => [c, ERROR_CATALOGUE[c as 'no_model'].status])),
    ).toEqual({
      unsupported_format: 415,
      unsafe_path: 400,
      compression_ratio: 413,
      no_model: 422,
    });
  });
});
