import { describe, expect, it } from 'vitest';
import { normalizeEntryPath, parentPaths } from './entry-path';

describe('normalizeEntryPath', () => {
  it('normalises harmless variations', () => {
    expect(normalizeEntryPath('./model//weights/./a.bin')).toBe('model/weights/a.bin');
    expect(normalizeEntryPath('model\\weights.bin')).toBe('model/weights.bin');
    expect(normalizeEntryPath('./')).toBe('');
  });

  it.each(['../x', 'a/../../x', 'a/../b', '/etc/passwd', '\\\\server\\share\\x', 'C:\\x', 'c:x', '..\\x', 'a\0b'])('refuses %j', (name) => {
    expect(() => normalizeEntryPath(name)).toThrow(expect.objectContaining({ code: 'unsafe_path', status: 400 }));
  });
});

describe('parentPaths', () => {
  it('lists enclosing folders outermost first', () => {
    expect(parentPaths('a/b/c')).toEqual(['a', 'a/b']);
    expect(parentPaths('a')).toEqual([]);
  });
});
