import { describe, expect, it } from 'vitest';
import { ASLEEP, actualTraffic, deploymentBadge, describeVariantNow, headerLine, variantNow } from './deployment-truth';
import type { Deployment } from './types';

type V = Deployment['variants'][number];
type R = V['replicaList'][number];

const replica = (state: R['state']): R => ({ id: `r-${state}`, address: null, state, reason: null });

function variant(over: Partial<Omit<V, 'version'>> & { label?: number } = {}): V {
  const { label = 1, ...rest } = over;
  return {
    id: `v-${rest.name ?? 'primary'}-${label}`,
    name: 'primary',
    role: 'primary',
    trafficWeight: 100,
    mirrorPercent: 0,
    replicas: 1,
    machineType: null as unknown as V['machineType'],
    version: { label, digest: `sha256:${label}`, signature: null },
    replicaList: [replica('ready')],
    ...rest,
  };
}

const deployment = (status: Deployment['status'], variants: V[], statusReason: string | null = null) => ({ status, statusReason, variants, rollout: null });

describe('the header line under a deployment name', () => {
  it('names the versions that answer callers or get mirrored requests while it is ready', () => {
    const d = deployment('ready', [
      variant(),
      variant({ name: 'b', role: 'candidate', label: 2, trafficWeight: 0 }),
      variant({ name: 's', role: 'shadow', label: 3, trafficWeight: 0, mirrorPercent: 10 }),
    ]);
    expect(headerLine(d)).toEqual({ kind: 'serving', versions: 'v1, v3' });
  });

  it('says a stopped deployment serves nothing, though its rows still list versions', () => {
    expect(headerLine(deployment('stopped', [variant({ trafficWeight: 0, replicaList: [] })]))).toEqual({ kind: 'stopped' });
    expect(headerLine(deployment('stopped', []))).toEqual({ kind: 'stopped' });
  });

  it('gives the reason of a failure, and what still serves if anything', () => {
    expect(headerLine(deployment('failed', [], 'the model did not load'))).toEqual({ kind: 'failed', reason: 'the model did not load', stillServing: null });
    expect(headerLine(deployment('failed', [variant()], 'rollout failed'))).toEqual({ kind: 'failed', reason: 'rollout failed', stillServing: 'v1' });
    expect(headerLine(deployment('failed', []))).toMatchObject({ reason: 'no reason was recorded' });
  });

  it('says a deployment on its way up does not serve yet', () => {
    expect(headerLine(deployment('deploying', [variant({ trafficWeight: 0, replicaList: [replica('starting')] })]))).toEqual({
      kind: 'starting',
      versions: null,
    });
    expect(headerLine(deployment('stopping', [variant()]))).toEqual({ kind: 'stopping' });
  });
});

describe('the status badge', () => {
  it('says Ready while a replica answers', () => {
    expect(deploymentBadge(deployment('ready', [variant()])).text).toBe('Ready');
  });

  it('says asleep when every serving variant scaled to zero', () => {
    const asleep = deployment('ready', [variant({ replicas: 0, replicaList: [] }), variant({ name: 's', role: 'shadow', trafficWeight: 0, mirrorPercent: 5 })]);
    expect(deploymentBadge(asleep)).toEqual({ text: ASLEEP, tone: 'gray', live: false });
    expect(ASLEEP).toBe('Asleep — wakes on the next request');
  });

  it('is not asleep while one serving variant still runs, or a woken replica starts', () => {
    const split = deployment('ready', [
      variant({ trafficWeight: 50, replicas: 0, replicaList: [] }),
      variant({ name: 'b', role: 'candidate', trafficWeight: 50 }),
    ]);
    expect(deploymentBadge(split).text).toBe('Ready');
    expect(deploymentBadge(deployment('ready', [variant({ replicas: 0, replicaList: [replica('starting')] })])).text).toBe('Ready');
  });

  it('keeps the status for every other state', () => {
    expect(deploymentBadge(deployment('stopped', [])).text).toBe('Stopped');
    expect(deploymentBadge(deployment('failed', [variant({ replicas: 0, replicaList: [] })])).text).toBe('Failed');
  });
});

describe('desired against actual for one variant', () => {
  it('says what runs when the variant runs the version its revision asks for', () => {
    const now = variantNow({ variants: [variant()] }, { name: 'primary', versionLabel: 1 });
    expect(now.converging).toBe(false);
    expect(describeVariantNow(now)).toBe('primary runs v1 now.');
  });

  it('right after Roll out, does not claim the new version runs while the old one takes the traffic', () => {
    const variants = [variant({ label: 1, trafficWeight: 100 }), variant({ label: 2, trafficWeight: 0, replicaList: [replica('starting')] })];
    const now = variantNow({ variants }, { name: 'primary', versionLabel: 2 });
    expect(now).toMatchObject({
      converging: true,
      actual: [
        { label: 1, percent: 100 },
        { label: 2, percent: 0 },
      ],
    });
    expect(describeVariantNow(now)).toBe('primary: v1 answers 100 % of its traffic now, v2 0 %; rolling out to v2.');
  });

  it('says when the desired version has no replica set yet', () => {
    const now = variantNow({ variants: [variant({ label: 1 })] }, { name: 'primary', versionLabel: 2 });
    expect(describeVariantNow(now)).toBe('primary: v1 answers 100 % of its traffic now; rolling out to v2.');
    expect(describeVariantNow(variantNow({ variants: [] }, { name: 'b', versionLabel: 3 }))).toBe('b does not run yet; rolling out v3.');
  });

  it('lists the actual split only while a rollout runs', () => {
    const variants = [variant({ label: 2, trafficWeight: 10 }), variant({ label: 1, trafficWeight: 90 })];
    expect(actualTraffic({ variants, rollout: null })).toBeNull();
    const rollout = {} as NonNullable<Deployment['rollout']>;
    expect(actualTraffic({ variants, rollout })).toBe('primary v1 90 %, primary v2 10 %');
  });
});
