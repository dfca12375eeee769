import { describe, expect, it } from 'vitest';
import { clientAddress, isHttps } from './client-request';

describe('client request facts', () => {
  it('takes the nearest hop of X-Forwarded-For as the client address', () => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': '127.0.0.1' }))).toBe('127.0.0.1');
    // A client's own claim comes first; the proxy appends what it saw.
    expect(clientAddress(new Headers({ 'x-forwarded-for': '1.2.3.4, 203.0.113.9' }))).toBe('203.0.113.9');
    expect(clientAddress(new Headers())).toBe('unknown');
  });

  it('believes X-Forwarded-Proto only from a trusted proxy', () => {
    const https = new Headers({ 'x-forwarded-proto': 'https' });
    expect(isHttps(https, true)).toBe(true);
    expect(isHttps(https, false)).toBe(false);
    expect(isHttps(new Headers({ 'x-forwarded-proto': 'http' }), true)).toBe(false);
    expect(isHttps(new Headers({ 'x-forwarded-proto': 'HTTPS, http' }), true)).toBe(true);
  });
});
