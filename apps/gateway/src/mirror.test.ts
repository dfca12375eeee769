import { createDb } from '@slipway/db';
import { requireTestEnv } from '@slipway/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { isPrimary, ShadowMirror } from './mirror';
import { OutlierDetector } from './outliers';
import { RoutingState } from './routing-state';
import { ShadowStats } from './shadow';
import { deploymentOf, listen } from './test-support';

describe('shadow mirror', () => {
  const env = requireTestEnv();
  const db = createDb(env.databaseUrl, { poolSize: 1 });
  afterAll(() => db.$disconnect());

  it('takes the variant with role primary as the one shadows agree with (else the first taking traffic)', () => {
    const withRoles = deploymentOf([
      { name: 'b', weight: 30, role: 'candidate' },
      { name: 'a', weight: 70, role: 'primary' },
    ]);
    expect(withRoles.variants.map((v) => isPrimary(withRoles, v))).toEqual([false, true]);
    const withoutRoles = deploymentOf([
      { name: 's', weight: 0, mirrorPercent: 10 },
      { name: 'a', weight: 70 },
      { name: 'b', weight: 30 },
    ]);
    expect(withoutRoles.variants.map((v) => isPrimary(withoutRoles, v))).toEqual([false, true, false]);
  });

  it('counts agreement only where the primary answered the caller; other answers are mirrored but uncompared', async () => {
    const answer = JSON.stringify({ outputs: { label: [0], probabilities: [[0.9, 0.05, 0.05]] } });
    const shadowReplica = await listen((req, res) => req.resume().once('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(answer)));
    try {
      const deployment = deploymentOf([
        { name: 'a', weight: 70, role: 'primary', replicas: ['http://127.0.0.1:1'] },
        { name: 'b', weight: 30, role: 'candidate', replicas: ['http://127.0.0.1:2'] },
        { name: 'shadow', weight: 0, role: 'shadow', mirrorPercent: 100, replicas: [shadowReplica.url] },
      ]);
      const shadows = new ShadowStats(db);
      const mirror = new ShadowMirror({ routing: new RoutingState(), outliers: new OutlierDetector(), framed: undefined, shadows });
      const route = { deploymentName: 'iris', upstreamPath: '/predict', protocol: 'slipway' } as const;
      const [a, b] = deployment.variants;
      const other = Buffer.from(JSON.stringify({ outputs: { label: [2], probabilities: [[0.1, 0.1, 0.8]] } }));
      const send = (variant: typeof a, output: Buffer | null) =>
        mirror.mirror({ deployment, variant: variant!, route, method: 'POST', body: Buffer.from('{}'), output });
      for (let i = 0; i < 7; i++) send(a, Buffer.from(answer));
      for (let i = 0; i < 3; i++) send(b, other);
      send(a, null);
      await expect.poll(() => shadows.byVariant.get('shadow')?.mirrored).toBe(11);
      expect(shadows.byVariant.get('shadow')).toMatchObject({ agreed: 7, disagreed: 0, failed: 1, uncompared: 3 });
    } finally {
      await shadowReplica.close();
    }
  });

  it('mirrors only the share of requests a shadow asks for, and never to a shadow without a replica', async () => {
    const deployment = deploymentOf([
      { name: 'a', weight: 100, role: 'primary', replicas: ['http://127.0.0.1:1'] },
      { name: 'off', weight: 0, role: 'shadow', mirrorPercent: 0, replicas: ['http://127.0.0.1:3'] },
      { name: 'asleep', weight: 0, role: 'shadow', mirrorPercent: 100 },
    ]);
    const shadows = new ShadowStats(db);
    const mirror = new ShadowMirror({ routing: new RoutingState(), outliers: new OutlierDetector(), framed: undefined, shadows });
    const route = { deploymentName: 'iris', upstreamPath: '/predict', protocol: 'slipway' } as const;
    mirror.mirror({ deployment, variant: deployment.variants[0]!, route, method: 'POST', body: Buffer.from('{}'), output: Buffer.from('{}') });
    expect(shadows.byVariant.size).toBe(0);
    expect(ShadowMirror.mirrors(deployment, 'POST')).toBe(true);
    expect(ShadowMirror.mirrors(deployment, 'GET')).toBe(false);
  });
});
