import { describe, expect, it } from 'vitest';
import { crossSiteRefusal, isJsonContentType } from './cross-site';

const refusal = (method: string, headers: Record<string, string>, trustProxy = false) =>
  crossSiteRefusal(method, new Headers({ host: 'slipway.example.com', ...headers }), { trustProxy });

describe('cross-site refusal for cookie sessions', () => {
  it('lets reads through from anywhere', () => {
    expect(refusal('GET', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })).toBeNull();
    expect(refusal('HEAD', { 'sec-fetch-site': 'cross-site' })).toBeNull();
  });

  it('refuses changes a page on another site or a sibling subdomain makes the browser send', () => {
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) {
      expect(refusal(method, { 'sec-fetch-site': 'cross-site' })).toMatch(/cross-site request refused/);
      expect(refusal(method, { 'sec-fetch-site': 'same-site' })).toMatch(/same-site/);
    }
  });

  it('lets the console (same origin) and typed-in navigations through', () => {
    expect(refusal('POST', { 'sec-fetch-site': 'same-origin', origin: 'https://slipway.example.com' })).toBeNull();
    expect(refusal('POST', { 'sec-fetch-site': 'none' })).toBeNull();
  });

  it('falls back to Origin against Host for browsers without Sec-Fetch-Site', () => {
    expect(refusal('POST', { origin: 'https://slipway.example.com' })).toBeNull();
    expect(refusal('POST', { origin: 'https://evil.example' })).toMatch(/Origin: https:\/\/evil.example/);
    expect(refusal('POST', { origin: 'https://slipway.example.com.evil.example' })).not.toBeNull();
    expect(refusal('POST', { origin: 'null' })).not.toBeNull();
    expect(refusal('POST', { origin: 'http://slipway.example.com:8080' })).not.toBeNull();
  });

  it('believes X-Forwarded-Host only from a trusted proxy', () => {
    const headers = { host: 'web:3000', 'x-forwarded-host': 'slipway.example.com', origin: 'https://slipway.example.com' };
    expect(refusal('POST', headers, true)).toBeNull();
    expect(refusal('POST', headers, false)).not.toBeNull();
  });

  it('exempts API-key calls and non-browser clients (no Origin, no Sec-Fetch-Site)', () => {
    expect(refusal('POST', { authorization: 'Bearer sk_abc', 'sec-fetch-site': 'cross-site' })).toBeNull();
    expect(refusal('DELETE', {})).toBeNull();
    // A cookie does not make a request a browser's; a Basic header is no API key.
    expect(refusal('POST', { authorization: 'Basic eDp5', origin: 'https://evil.example' })).not.toBeNull();
  });
});

describe('JSON content type', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON', true],
    ['application/merge-patch+json', true],
    ['text/plain', false],
    ['text/plain; charset=utf-8', false],
    ['application/x-www-form-urlencoded', false],
    ['multipart/form-data; boundary=x', false],
    ['application/jsonp', false],
  ])('%s → %s', (header, json) => {
    expect(isJsonContentType(header)).toBe(json);
  });

  it('refuses a missing content type', () => {
    expect(isJsonContentType(null)).toBe(false);
  });
});
