import { describe, expect, it } from 'vitest';
import { InvariantError, at, must } from './invariant';

describe('invariants', () => {
  it('must() returns a set value, falsy ones included, and names what is missing otherwise', () => {
    expect(must(0, 'count')).toBe(0);
    expect(must('', 'name')).toBe('');
    expect(must(false, 'flag')).toBe(false);
    expect(() => must(undefined, 'the session cookie')).toThrow(new InvariantError('the session cookie is missing'));
    expect(() => must(null, 'the replica row')).toThrow(InvariantError);
  });

  it('at() reads an index in range and refuses one outside, naming both', () => {
    const items = ['a', 'b', 'c'];
    expect(at(items, 0)).toBe('a');
    expect(at(items, 2)).toBe('c');
    expect(at(new Float32Array([1.5]), 0)).toBe(1.5);
    expect(() => at(items, 3)).toThrow('index 3 outside 0..2');
    expect(() => at(items, -1)).toThrow('index -1 outside 0..2');
    expect(() => at([], 0)).toThrow(InvariantError);
  });

  it('is an Error named InvariantError, so logs say it is our bug', () => {
    const error = new InvariantError('x');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvariantError');
  });
});
