import { randomUUID } from 'node:crypto';
import { createDb, type Db, hashApiKey } from '@slipway/db';
import { requireTestEnv, seedDeployment } from '@slipway/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyCache, keyRefusal, type Principal } from './api-keys';
import { KeyUsage } from './key-usage';

const principal = (over: Partial<Principal> = {}): Principal => ({
  keyId: 'k',
  rateLimitPerSecond: null,
  userId: 'u',
  isAdmin: false,
  teamIds: new Set(['team-a']),
  scope: 'invoke',
  deploymentIds: null,
  expiresAt: null,
  ...over,
});
const first = { id: 'd1', name: 'first', teamId: 'team-a' };
const second = { id: 'd2', name: 'second', teamId: 'team-a' };
const now = Date.parse('2026-12-07T12:00:00Z');

describe('keyRefusal', () => {
  it("lets an unscoped invoke key call every deployment of its owner's teams, and no other team's", () => {
    expect(keyRefusal(principal(), first, 'invoke', now)).toBeNull();
    expect(keyRefusal(principal(), { ...first, teamId: 'team-b' }, 'invoke', now)?.code).toBe('forbidden');
  });

  it('refuses a key scoped to one deployment on another (403)', () => {
    const scoped = principal({ deploymentIds: new Set(['d1']) });
    expect(keyRefusal(scoped, first, 'invoke', now)).toBeNull();
    expect(keyRefusal(scoped, second, 'invoke', now)).toEqual({
      code: 'forbidden',
      message: "this API key is scoped to other deployments and may not reach 'second'",
    });
  });

  it('lets a read-only key read docs but not call (403)', () => {
    const readOnly = principal({ scope: 'read-only' });
    expect(keyRefusal(readOnly, first, 'read', now)).toBeNull();
    expect(keyRefusal(readOnly, first, 'invoke', now)?.code).toBe('forbidden');
  });

  it('refuses an expired key as unauthenticated (401), from the instant it expires', () => {
    const expiring = principal({ expiresAt: now });
    expect(keyRefusal(expiring, first, 'read', now - 1)).toBeNull();
    expect(keyRefusal(expiring, first, 'read', now)?.code).toBe('unauthorized');
  });
});

describe('scoped keys from the database, and their usage', () => {
  const env = requireTestEnv();
  let db: Db;

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 1 });
  });

  afterAll(async () => {
    await db?.$disconnect();
  });

  it('loads scope, deployments and expiry, and adds admitted requests to the key row on flush', async () => {
    const seeded = await seedDeployment(db, `keys-${randomUUID().slice(0, 8)}`, ['primary']);
    const expiresAt = new Date(now + 60_000);
    const row = await db.apiKey.update({
      where: { hash: hashApiKey(seeded.key) },
      data: { scope: 'read-only', deploymentIds: [seeded.deployment.id], expiresAt },
    });
    const loaded = await new ApiKeyCache(db).authenticate(seeded.key);
    expect(loaded).toMatchObject({ keyId: row.id, scope: 'read-only', expiresAt: expiresAt.getTime() });
    expect([...(loaded?.deploymentIds ?? [])]).toEqual([seeded.deployment.id]);

    const usage = new KeyUsage(db);
    for (let i = 0; i < 3; i++) usage.count(row.id);
    usage.count('internal');
    expect(await usage.flush()).toBe(1);
    usage.count(row.id);
    await usage.flush();
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: row.id } })).requestCount).toBe(4n);
    expect(await usage.flush()).toBe(0);
  });
});
