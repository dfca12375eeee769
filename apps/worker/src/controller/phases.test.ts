import { deploymentSpecSchema, type DeploymentSpec, templateOf } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { drainsDue } from './drain';
import { storedRolloutState } from './observe';
import { startFailureFailsRollout, wantedReplicas } from './place';
import { RoutingUpdate } from './routing';
import { progressOf, rolloutReadiness } from './strategy-step';
import { trafficChanges } from './traffic';

// The decisions of the reconcile phases, on their own. The phases' I/O runs against real replicas in controller.test.ts.

const digest = (c: string) => c.repeat(64);
const spec = (variants: Record<string, unknown>[], strategy?: unknown): DeploymentSpec =>
  deploymentSpecSchema.parse({
    variants: variants.map((v) => ({ versionLabel: 1, machineType: 'cpu-small', replicas: 2, ...v })),
    strategy,
  });
const v1 = spec([{ name: 'primary', versionDigest: digest('a'), weight: 100 }]);
const v2 = spec([{ name: 'primary', versionDigest: digest('b'), weight: 100, replicas: 3 }]);
const [oldKey, newKey] = [templateOf(v1.variants[0]!), templateOf(v2.variants[0]!)];

describe('place and scale: the replicas each replica set should run', () => {
  it('runs the target and, until the switch, the stable revision; after it, the old set runs none', () => {
    const rows = [
      { templateKey: oldKey, replicas: 2 },
      { templateKey: newKey, replicas: 3 },
    ];
    const counts = (phase: 'starting' | 'shifting' | 'draining') =>
      Object.fromEntries([...wantedReplicas(rows, v2, v1, phase)].map(([key, w]) => [key === oldKey ? 'old' : 'new', w.count]));
    expect(counts('starting')).toEqual({ old: 2, new: 3 });
    expect(counts('shifting')).toEqual({ old: 2, new: 3 });
    expect(counts('draining')).toEqual({ old: 0, new: 3 });
    // A set in neither spec (left by an interrupted rollout) follows nothing.
    expect(wantedReplicas([{ templateKey: 'gone@x@cpu-small', replicas: 4 }], v2, null, 'starting').get('gone@x@cpu-small')).toEqual({
      spec: undefined,
      count: 0,
    });
  });

  it('keeps what the autoscaler decided for an autoscaled set, capped by its peak', () => {
    const autoscaled = spec([
      {
        name: 'primary',
        versionDigest: digest('c'),
        weight: 100,
        replicas: 1,
        autoscaling: { minReplicas: 1, maxReplicas: 4, targetOngoingRequests: 4 },
      },
    ]);
    const key = templateOf(autoscaled.variants[0]!);
    expect(wantedReplicas([{ templateKey: key, replicas: 3 }], autoscaled, null, 'starting').get(key)?.count).toBe(3);
    expect(wantedReplicas([{ templateKey: key, replicas: 9 }], autoscaled, null, 'starting').get(key)?.count).toBe(4);
  });

  it('fails a rollout only for a set its target needs; a serving revision heals later', () => {
    expect(startFailureFailsRollout(false, v2, newKey)).toBe(true);
    expect(startFailureFailsRollout(false, v2, oldKey)).toBe(false);
    expect(startFailureFailsRollout(true, v2, newKey)).toBe(false);
  });
});

describe('traffic: what changes', () => {
  it('writes only weights and mirrors that differ, and takes sets not named out of traffic', () => {
    const rows: [string, { id: string; trafficWeight: number; mirrorPercent: number }][] = [
      ['a', { id: 'A', trafficWeight: 100, mirrorPercent: 0 }],
      ['b', { id: 'B', trafficWeight: 0, mirrorPercent: 0 }],
      ['c', { id: 'C', trafficWeight: 0, mirrorPercent: 10 }],
    ];
    const shares = new Map([
      ['a', { weight: 80, mirrorPercent: 0 }],
      ['b', { weight: 20, mirrorPercent: 0 }],
      ['c', { weight: 0, mirrorPercent: 10 }],
    ]);
    expect(trafficChanges(rows, shares).map((c) => [c.id, c.share.weight])).toEqual([
      ['A', 80],
      ['B', 20],
    ]);
    expect(trafficChanges(rows, new Map([['a', { weight: 100, mirrorPercent: 0 }]])).map((c) => [c.id, c.share])).toEqual([
      ['C', { weight: 0, mirrorPercent: 0 }],
    ]);
  });
});

describe('strategy step: what the strategy is told', () => {
  const replica = (state: 'ready' | 'draining') => ({ state }) as { state: 'ready' | 'draining' };
  const rows = (old: { state: 'ready' | 'draining' }[] | null, fresh: { state: 'ready' | 'draining' }[]) =>
    new Map([
      ...(old ? [[oldKey, { id: 'old', replicaList: old }] as const] : []),
      [newKey, { id: 'new', replicaList: fresh }] as const,
    ]) as unknown as Parameters<typeof rolloutReadiness>[0];
  const wanted = new Map([
    [oldKey, 2],
    [newKey, 3],
  ]);

  it('is ready when every target set has its wanted count ready, whatever the old sets run', () => {
    const ready = (counts: Record<string, number>) => (id: string) => counts[id] ?? 0;
    const targetKeys = new Set([newKey]);
    expect(rolloutReadiness(rows([], []), targetKeys, wanted, ready({ new: 2, old: 2 }), 1_000).targetReady).toBe(false);
    expect(rolloutReadiness(rows([], []), targetKeys, wanted, ready({ new: 3, old: 0 }), 1_000).targetReady).toBe(true);
  });

  it('waits to drain only when something drains: an old set, or replicas still draining', () => {
    const targetKeys = new Set([newKey]);
    const none = () => 0;
    expect(rolloutReadiness(rows([], []), targetKeys, wanted, none, 1_000).drainMs).toBe(1_000);
    expect(rolloutReadiness(rows(null, []), targetKeys, wanted, none, 1_000).drainMs).toBe(0);
    expect(rolloutReadiness(rows(null, [replica('draining')]), targetKeys, wanted, none, 1_000).drainMs).toBe(1_000);
  });

  it('resumes the stored progress of the same target revision only', () => {
    const stored = { revision: 4, phase: 'shifting', step: 1, stepStartedAt: 10, drainStartedAt: null, starved: false };
    expect(storedRolloutState(stored, 4)).toMatchObject({ phase: 'shifting', step: 1 });
    expect(storedRolloutState(stored, 5)).toMatchObject({ revision: 5, phase: 'starting', step: -1 });
    expect(storedRolloutState(null, 5)).toMatchObject({ revision: 5, phase: 'starting' });
  });

  it('shows progress: replicas, then canary steps, then drained', () => {
    const canary = spec([{ name: 'primary', versionDigest: digest('a'), weight: 100 }], {
      type: 'canary',
      steps: [
        { weight: 10, bakeSeconds: 5 },
        { weight: 50, bakeSeconds: 5 },
      ],
    });
    const at = (phase: 'starting' | 'shifting' | 'draining', step: number) => progressOf(canary, { ...storedRolloutState(null, 1), phase, step });
    expect([at('starting', -1), at('shifting', 0), at('shifting', 1), at('draining', 1)].map((p) => Math.round(p * 1000) / 1000)).toEqual([
      0.2, 0.675, 0.95, 0.95,
    ]);
  });
});

describe('drain: which draining replicas may stop', () => {
  const at = (ms: number) => ({ updatedAt: new Date(ms) });

  it('stops those out of routing for the drain time, and says when the next one is due', () => {
    const [early, late] = [at(1_000), at(1_800)];
    expect(drainsDue([early, late], 2_100, 1_000)).toEqual({ due: [early], nextInMs: 700 });
    expect(drainsDue([early, late], 2_900, 1_000)).toEqual({ due: [early, late], nextInMs: null });
    expect(drainsDue([late], 1_800, 1_000, true)).toEqual({ due: [late], nextInMs: null });
    expect(drainsDue([], 0, 1_000)).toEqual({ due: [], nextInMs: null });
  });
});

describe('routing: published once per pass', () => {
  function counting() {
    const tables: number[] = [];
    let version = 0;
    const routing = new RoutingUpdate(async () => void tables.push(version));
    const change = () => {
      version++;
      routing.markDirty();
    };
    return { routing, tables, change };
  }

  it('publishes every change a pass made in one table, and nothing when nothing changed', async () => {
    const { routing, tables, change } = counting();
    await routing.flush();
    expect(tables).toEqual([]);
    change();
    change();
    change();
    await routing.flush();
    await routing.flush();
    expect(tables).toEqual([3]);
  });

  it('publishes before replicas stop even when the pass changed nothing (an earlier publish may have been lost)', async () => {
    const { routing, tables, change } = counting();
    await routing.beforeStopping();
    change();
    await routing.beforeStopping();
    await routing.flush();
    expect(tables).toEqual([0, 1]);
  });

  it('publishes what a failed pass changed, and stays dirty when publishing fails', async () => {
    const { routing, tables, change } = counting();
    await expect(
      routing.around(async () => {
        change();
        throw new Error('the database blinked');
      }),
    ).rejects.toThrow('the database blinked');
    expect(tables).toEqual([1]);

    const failing = new RoutingUpdate(() => Promise.reject(new Error('redis is down')));
    failing.markDirty();
    await expect(failing.flush()).rejects.toThrow('redis is down');
    expect(failing.isDirty).toBe(true);
  });
});
