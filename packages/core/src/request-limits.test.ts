import { describe, expect, it } from 'vitest';
import { decodePathSegment, jsonNestsDeeperThan } from './request-limits';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('request limits', () => {
  it('measures JSON nesting on the raw bytes, ignoring brackets inside strings', () => {
    expect(jsonNestsDeeperThan(bytes('{"a":[[1,2],[3]]}'), 3)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('{"a":[[[1]]]}'), 3)).toBe(true);
    expect(jsonNestsDeeperThan(bytes('{"a":"[[[[{{{{","b":"\\"[[[["}'), 1)).toBe(false);
    const deep = `${'{"p":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    expect(jsonNestsDeeperThan(bytes(deep))).toBe(true);
    expect(jsonNestsDeeperThan(bytes(`${'['.repeat(64)}${']'.repeat(64)}`))).toBe(false);
    expect(jsonNestsDeeperThan(bytes(`${'['.repeat(65)}${']'.repeat(65)}`))).toBe(true);
  });

  it('decodes path segments, answering undefined for malformed escapes', () => {
    expect(decodePathSegment('iris%2Dv2')).toBe('iris-v2');
    expect(decodePathSegment('%E0')).toBeUndefined();
    expect(decodePathSegment('%')).toBeUndefined();
  });
});
