import { describe, expect, it } from 'vitest';
import { replicaHours, spendToDate, trafficRates, type ReplicaLifetime } from './spend';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-12-01T00:00:00Z');

describe('spendToDate', () => {
  it('charges each replica from creation to its end at its machine price, and running ones up to now', () => {
    const lifetimes: ReplicaLifetime[] = [
      { deploymentId: 'a', teamId: 't1', startedAt: t0, endedAt: t0 + 2 * HOUR, hourlyCost: 0.1 },
      { deploymentId: 'a', teamId: 't1', startedAt: t0 + HOUR, endedAt: null, hourlyCost: 0.1 },
      { deploymentId: 'b', teamId: 't2', startedAt: t0, endedAt: null, hourlyCost: 3.67 },
    ];
    const report = spendToDate(lifetimes, [], t0 + 4 * HOUR);
    expect(report.byDeployment.get('a')).toEqual({ replicaHours: 5, cost: expect.closeTo(0.5, 10), costPerHour: 0.1, runningReplicas: 1 });
    expect(report.byDeployment.get('b')?.cost).toBeCloseTo(4 * 3.67, 10);
    expect(report.byTeam.get('t2')?.costPerHour).toBe(3.67);
    expect(report.total.replicaHours).toBe(9);
    expect(report.total.cost).toBeCloseTo(0.5 + 14.68, 10);
  });

  it('grows with the clock while a replica runs and stays put once it ended', () => {
    const running: ReplicaLifetime = { deploymentId: 'a', teamId: 't', startedAt: t0, endedAt: null, hourlyCost: 1 };
    const ended: ReplicaLifetime = { ...running, endedAt: t0 + HOUR };
    expect(spendToDate([running], [], t0 + HOUR).total.cost).toBe(1);
    expect(spendToDate([running], [], t0 + 3 * HOUR).total.cost).toBe(3);
    expect(spendToDate([ended], [], t0 + 3 * HOUR).total.cost).toBe(1);
  });

  it('adds what was settled from pruned replicas, which runs at no cost per hour', () => {
    const report = spendToDate([], [{ deploymentId: 'a', teamId: 't', replicaSeconds: 7200, cost: 0.2 }], t0);
    expect(report.byTeam.get('t')).toEqual({ replicaHours: 2, cost: 0.2, costPerHour: 0, runningReplicas: 0 });
  });

  it('charges ended replicas summed per machine price like the same replicas one by one', () => {
    const oneByOne: ReplicaLifetime[] = [
      { deploymentId: 'a', teamId: 't', startedAt: t0, endedAt: t0 + HOUR, hourlyCost: 0.4 },
      { deploymentId: 'a', teamId: 't', startedAt: t0, endedAt: t0 + 2 * HOUR, hourlyCost: 0.4 },
    ];
    const summed = spendToDate([], [], t0 + 5 * HOUR, [{ deploymentId: 'a', teamId: 't', hourlyCost: 0.4, replicaSeconds: 3 * 3600 }]);
    expect(summed.byDeployment.get('a')).toEqual(spendToDate(oneByOne, [], t0 + 5 * HOUR).byDeployment.get('a'));
  });

  it('never counts a negative or future stretch', () => {
    expect(replicaHours({ startedAt: t0 + HOUR, endedAt: null }, t0)).toBe(0);
    expect(replicaHours({ startedAt: t0, endedAt: t0 + 5 * HOUR }, t0 + HOUR)).toBe(1);
  });
});

describe('trafficRates', () => {
  it('averages requests over the window and gives the 5xx share, or null without requests', () => {
    expect(
      trafficRates(
        [
          { count: 200, errors: 3 },
          { count: 100, errors: 0 },
        ],
        300_000,
      ),
    ).toEqual({ requestsPerSecond: 1, errorRate: 0.01 });
    expect(trafficRates([], 300_000)).toEqual({ requestsPerSecond: 0, errorRate: null });
  });
});
