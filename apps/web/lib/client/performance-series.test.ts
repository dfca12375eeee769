import { describe, expect, it } from 'vitest';
import { liveReplicaIds, noTrafficReason, splitByLiveness, TOTAL_COLOR, VARIANT_COLORS, variantColor } from './performance-series';
import type { Deployment } from './types';

type V = Deployment['variants'][number];
type R = V['replicaList'][number];

const withReplicas = (...replicas: [string, R['state']][]) =>
  ({ variants: [{ replicaList: replicas.map(([id, state]) => ({ id, state, address: null, reason: null })) } as unknown as V] }) satisfies Pick<
    Deployment,
    'variants'
  >;

describe('replicas on the Performance page', () => {
  it('counts starting, ready and draining replicas as running, and failed ones as ended', () => {
    expect([...liveReplicaIds(withReplicas(['a', 'ready'], ['b', 'starting'], ['c', 'draining'], ['d', 'failed']))].sort()).toEqual(['a', 'b', 'c']);
  });

  it('lists a stopped replica apart from the running ones', () => {
    const resources = [{ replicaId: 'old' }, { replicaId: 'a' }, { replicaId: 'gone' }];
    expect(splitByLiveness(resources, liveReplicaIds(withReplicas(['a', 'ready'])))).toEqual({
      running: [{ replicaId: 'a' }],
      ended: [{ replicaId: 'old' }, { replicaId: 'gone' }],
    });
  });

  it('hides nothing before the deployment is known', () => {
    expect(splitByLiveness([{ replicaId: 'a' }], null)).toEqual({ running: [{ replicaId: 'a' }], ended: [] });
  });
});

describe('series colours', () => {
  it('never gives a variant the colour of the total', () => {
    for (let i = 0; i < VARIANT_COLORS.length * 2; i++) expect(variantColor(i)).not.toBe(TOTAL_COLOR);
    expect(variantColor(0)).toBe(VARIANT_COLORS[0]);
    expect(variantColor(VARIANT_COLORS.length)).toBe(VARIANT_COLORS[0]);
  });
});

describe('an empty Performance window', () => {
  it('says a stopped or failed deployment gets no traffic because nothing serves, without offering a call', () => {
    expect(noTrafficReason({ status: 'stopped' })).toEqual({ title: expect.stringMatching(/^Stopped: nothing serves/), callable: false });
    expect(noTrafficReason({ status: 'failed' })).toMatchObject({ callable: false });
  });

  it('offers a call while it serves or is not known yet', () => {
    expect(noTrafficReason({ status: 'ready' })).toMatchObject({ callable: true, title: expect.stringMatching(/^No traffic yet/) });
    expect(noTrafficReason(null)).toMatchObject({ callable: true });
  });
});
