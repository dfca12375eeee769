import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, errorCatalogueRows, renderError } from './errors';

describe('error catalogue', () => {
  it("renders Slipway's shape with a stable code and OIP/KServe's with the message only", () => {
    expect(renderError('slipway', 'rate_limited', 'slow down')).toEqual({ status: 429, body: { error: { code: 'rate_limited', message: 'slow down' } } });
    expect(renderError('oip', 'invalid_input', "input 'x': bad")).toEqual({ status: 400, body: { error: "input 'x': bad" } });
    expect(renderError('kserve-v1', 'not_found')).toEqual({ status: 404, body: { error: 'not found' } });
  });

  it('gives each code a 4xx or 5xx status, a message, and the services and protocols that emit it', () => {
    const rows = errorCatalogueRows();
    expect(rows.length).toBe(Object.keys(ERROR_CATALOGUE).length);
    for (const row of rows) {
      expect(row.status >= 400 && row.status < 600, row.code).toBe(true);
      expect(row.message.length).toBeGreaterThan(0);
      expect(row.services.length).toBeGreaterThan(0);
      expect(row.protocols).toContain('slipway');
      // Only the data plane (gateway, runtime) speaks OIP and KServe V1.
      const dataPlane = row.services.some((s) => s !== 'web');
      expect(row.protocols.includes('oip'), row.code).toBe(dataPlane);
    }
  });
});
