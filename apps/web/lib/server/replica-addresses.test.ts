import { describe, expect, it } from 'vitest';
import { withoutAddresses } from './replica-addresses';

describe('messages for team viewers', () => {
  it.each([
    ['Replica 1/2 of primary started at http://127.0.0.1:41234', 'Replica 1/2 of primary started at (address hidden)'],
    ['started at https://worker:8000 after 2 s', 'started at (address hidden) after 2 s'],
    ['probe failed: connect ECONNREFUSED 10.0.3.7:41234', 'probe failed: connect ECONNREFUSED (address hidden)'],
    ['connect ECONNREFUSED [::1]:41234', 'connect ECONNREFUSED (address hidden)'],
  ])('hides the address in %j', (message, expected) => {
    expect(withoutAddresses(message)).toBe(expected);
  });

  it('keeps versions, percentages and counts', () => {
    const message = 'Revision 3 is live: primary v2 90%, canary v3 10% (1.5.2 runtime, p99 12.5 ms)';
    expect(withoutAddresses(message)).toBe(message);
    expect(withoutAddresses(null)).toBeNull();
  });
});
