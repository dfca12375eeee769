import { randomUUID } from 'node:crypto';
import { pickWeighted, stickyUnit } from '@slipway/core';
import { createDb, type Db } from '@slipway/db';
import { createRedis, type RoutedDeployment } from '@slipway/queue';
import { requireTestEnv, seedDeployment } from '@slipway/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmission, PIN_HEADER, pinRefusal, STICKY_HEADER } from './admission';
import { ApiKeyCache } from './api-keys';
import { BodyTooLargeError } from './body';
import type { Call } from './call';
import { InFlightTracker } from './in-flight';
import { RateLimiter } from './rate-limiter';
import { RequestAccounting } from './request-accounting';
import { deploymentOf, listen } from './test-support';

describe('admission', () => {
  const env = requireTestEnv();
  const prefix = `slipway-test-adm-${randomUUID().slice(0, 8)}`;
  const name = `adm-${randomUUID().slice(0, 8)}`;
  let db: Db;
  let redis: Redis;
  let seeded: Awaited<ReturnType<typeof seedDeployment<'a' | 'b'>>>;
  let deployment: RoutedDeployment;
  /** A server that admits each request and answers with what admission handed on (or its own refusal). */
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 1 });
    redis = createRedis({ redisUrl: env.redisUrl, prefix });
    seeded = await seedDeployment(db, name, ['a', 'b'] as const);
    deployment = {
      ...deploymentOf([
        { name: 'a', weight: 70, role: 'primary', replicas: ['http://127.0.0.1:1'] },
        { name: 'b', weight: 30, role: 'candidate', replicas: ['http://127.0.0.1:2'] },
        { name: 'shadow', weight: 0, role: 'shadow', mirrorPercent: 50, replicas: ['http://127.0.0.1:3'] },
      ]),
      name,
      teamId: seeded.teamId,
    };
    const admit = createAdmission({
      keys: new ApiKeyCache(db),
      limiter: new RateLimiter(10_000, redis, prefix),
      deployment: (n) => (n === name ? deployment : undefined),
      maxBodyBytes: 64,
    });
    const inFlight = new InFlightTracker();
    server = await listen((req, res) => {
      const route = { deploymentName: (req.url ?? '').slice(1), upstreamPath: '/predict', protocol: 'slipway' } as const;
      admit(req, res, route, new RequestAccounting(res, inFlight, () => undefined))
        .then((call: Call | undefined) => {
          if (call) res.end(JSON.stringify({ deployment: call.deployment.name, body: call.body.toString(), pinned: call.pinned ?? null, unit: call.unit }));
        })
        .catch((error) => res.writeHead(error instanceof BodyTooLargeError ? 413 : 500).end());
    });
  });

  afterAll(async () => {
    await server?.close();
    redis?.disconnect();
    await db?.$disconnect();
  });

  const call = (path: string, headers: Record<string, string> = {}, body = '{"x":1}') =>
    fetch(`${server.url}/${path}`, { method: 'POST', headers: { authorization: `Bearer ${seeded.key}`, ...headers }, body });
  const refusal = async (response: Response) => [response.status, (await response.json()).error];

  it('lets a key of the team through with its body, its pin and the point its sticky key hashes to', async () => {
    const admitted = await (await call(name, { [PIN_HEADER]: 'b', [STICKY_HEADER]: 'customer-17' })).json();
    expect(admitted).toEqual({ deployment: name, body: '{"x":1}', pinned: 'b', unit: stickyUnit('customer-17') });
    expect(pickWeighted(deployment.variants, admitted.unit)).toBeDefined();
  });

  it('refuses a missing, unknown or outside key, an unknown deployment and a pin to no serving variant', async () => {
    expect(await refusal(await fetch(`${server.url}/${name}`, { method: 'POST', body: '{}' }))).toEqual([
      401,
      { code: 'unauthorized', message: 'missing API key: send "Authorization: Bearer <key>"' },
    ]);
    expect(await refusal(await call(name, { authorization: 'Bearer sk_nope' }))).toEqual([
      401,
      { code: 'unauthorized', message: 'invalid or revoked API key' },
    ]);
    expect(await refusal(await call('elsewhere'))).toEqual([404, { code: 'not_found', message: "no deployment named 'elsewhere' is serving" }]);
    expect(await refusal(await call(name, { [PIN_HEADER]: 'shadow' }))).toEqual([
      404,
      { code: 'not_found', message: "variant 'shadow' does not take direct traffic (it is a shadow or at weight 0)" },
    ]);
    expect(pinRefusal(deployment, 'nope')).toBe("no serving variant named 'nope'");
    expect(pinRefusal(deployment, undefined)).toBeUndefined();
  });

  it('refuses a key past its rate limit with 429 and Retry-After, and a body over the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await call(name, { authorization: `Bearer ${seeded.limitedKey}` });
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      await response.arrayBuffer();
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
    expect((await call(name, {}, 'x'.repeat(65))).status).toBe(413);
  });
});
