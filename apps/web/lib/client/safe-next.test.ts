import { describe, expect, it } from 'vitest';
import { safeNextPath } from './safe-next';

describe('the page to open after signing in', () => {
  it.each([
    ['/deployments/iris', '/deployments/iris'],
    ['/deployments/iris?tab=events#latency', '/deployments/iris?tab=events#latency'],
    ['/models', '/models'],
    // A percent-encoded backslash stays encoded in the path: the browser does not read it as a slash.
    ['/%5Cevil.example', '/%5Cevil.example'],
  ])('keeps the same-site path %j', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  // What `?next=` decodes to in the hostile links: each would land on another site after a naive check.
  it.each([
    '//evil.example/phish',
    '/\\evil.example/phish',
    '/\\/evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r//evil.example',
    '/\u0000/evil.example',
    '/..//evil.example',
    '/.//evil.example',
    'https://evil.example/phish',
    'http:/evil.example',
    'javascript:alert(1)',
    'evil.example',
    ' /models',
    '',
  ])('refuses %j', (next) => {
    expect(safeNextPath(next)).toBe('/models');
  });

  it('falls back without a next page', () => {
    expect(safeNextPath(undefined)).toBe('/models');
    expect(safeNextPath(null)).toBe('/models');
  });
});
