import { describe, expect, it } from 'vitest';
import { jobsOfDeadOwners, ownerOf, processAlive } from './takeover';

describe('worker takeover', () => {
  it('reads the owner of a job from its processedBy', () => {
    expect(ownerOf('host-a:123')).toEqual({ host: 'host-a', pid: 123 });
    expect(ownerOf('ip:v6:host:42')).toEqual({ host: 'ip:v6:host', pid: 42 });
    expect(ownerOf(undefined)).toBeUndefined();
    expect(ownerOf('no-pid')).toBeUndefined();
  });

  it('hands off only jobs of a dead process on this host, never its own nor another host’s', () => {
    const jobs = [
      { id: 'dead-here', processedBy: 'here:100' },
      { id: 'alive-here', processedBy: 'here:200' },
      { id: 'mine', processedBy: 'here:300' },
      { id: 'elsewhere', processedBy: 'there:100' },
      { id: 'unclaimed' },
    ];
    const alive = new Set([200]);
    expect(jobsOfDeadOwners(jobs, 'here', 300, (pid) => alive.has(pid)).map((j) => j.id)).toEqual(['dead-here']);
  });

  it('tells a live process from a gone one', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(2 ** 22 + 12345)).toBe(false);
  });
});
