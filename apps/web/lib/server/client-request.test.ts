import { describe, expect, it } from 'vitest';
import { forwardedForAtEdge, trustsProxy } from '../../edge.mjs';
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

  it("replaces a client's own X-Forwarded-For with the socket's address unless a proxy is trusted", () => {
    expect(forwardedForAtEdge('203.0.113.7', '127.0.0.1', false)).toBe('127.0.0.1');
    expect(forwardedForAtEdge(['1.2.3.4', '5.6.7.8'], '10.0.0.2', false)).toBe('10.0.0.2');
    expect(forwardedForAtEdge(undefined, undefined, false)).toBe('unknown');
    // A trusted proxy appended what it saw; its header stands, and the socket fills in when it sent none.
    expect(forwardedForAtEdge('1.2.3.4, 198.51.100.2', '10.0.0.2', true)).toBe('1.2.3.4, 198.51.100.2');
    expect(forwardedForAtEdge(' ', '10.0.0.2', true)).toBe('10.0.0.2');
    expect(clientAddress(new Headers({ 'x-forwarded-for': forwardedForAtEdge('203.0.113.7', '127.0.0.1', false) }))).toBe('127.0.0.1');
  });

  it('reads SLIPWAY_TRUST_PROXY as on or off and refuses anything else', () => {
    expect([trustsProxy('1'), trustsProxy('true'), trustsProxy('0'), trustsProxy('false'), trustsProxy(''), trustsProxy()]).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(() => trustsProxy('yes')).toThrow(/SLIPWAY_TRUST_PROXY must be/);
  });
});
