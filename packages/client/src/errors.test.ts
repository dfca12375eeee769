import { renderError } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { SlipwayError, toSlipwayError } from './errors';

describe('toSlipwayError', () => {
  it("reads the catalogue's error body: its code and message, with the status", () => {
    const { status, body } = renderError('slipway', 'conflict', "a rollout of 'iris' to revision 2 is in progress");
    const error = toSlipwayError(status, JSON.stringify(body));
    expect(error).toBeInstanceOf(SlipwayError);
    expect([error.status, error.code, error.message]).toEqual([409, 'conflict', "a rollout of 'iris' to revision 2 is in progress"]);
  });

  it('still says what happened for a body of another kind: a proxy page, an empty body, a bare error string', () => {
    expect(toSlipwayError(502, '<html>Bad Gateway</html>')).toMatchObject({ code: 'http_error', message: 'the server answered 502: <html>Bad Gateway</html>' });
    expect(toSlipwayError(500, '')).toMatchObject({ code: 'http_error', message: 'the server answered 500' });
    expect(toSlipwayError(400, '{"error":"bad input"}')).toMatchObject({ code: 'http_error', message: 'the server answered 400: {"error":"bad input"}' });
  });
});
