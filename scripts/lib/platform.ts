import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { JobProducer } from '@slipway/queue';
import { blobStoreConfigFromEnv, createBlobStore } from '@slipway/storage';
import { done, step } from './log';
import { prismaGenerate, prismaMigrateDeploy } from './prisma';
import { ensureDatabase, ensurePostgres, ensureRedis } from './services';

export interface PlatformEnv {
  root: string;
  dataDir: string;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  internalToken: string;
  admin: { email: string; password: string };
}

/** Secrets from the environment, else generated once per checkout and kept under .data (never committed). */
function credentials(dataDir: string): { adminPassword: string; internalToken: string } {
  const { SLIPWAY_ADMIN_PASSWORD, SLIPWAY_INTERNAL_TOKEN } = process.env;
  if (SLIPWAY_ADMIN_PASSWORD && SLIPWAY_INTERNAL_TOKEN) return { adminPassword: SLIPWAY_ADMIN_PASSWORD, internalToken: SLIPWAY_INTERNAL_TOKEN };
  const file = path.join(dataDir, 'credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const created = { adminPassword: randomBytes(9).toString('base64url'), internalToken: randomBytes(24).toString('base64url') };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600 });
  return created;
}

/**
 * Finds or starts Postgres and Redis, prepares the database (fresh for tests), applies
 * migrations and seeds. `test` uses its own database, data dir and Redis key prefix.
 */
export async function preparePlatform(root: string, mode: 'start' | 'test' | 'bench'): Promise<PlatformEnv> {
  const baseDataDir = path.join(root, '.data');
  const configuredDir = process.env.SLIPWAY_DATA_DIR ? path.resolve(process.env.SLIPWAY_DATA_DIR) : baseDataDir;
  // Tests and benchmarks get their own database, data and key prefix: throwaway, and never each other's.
  const scratch = mode !== 'start';
  // SLIPWAY_TEST_SLOT=name gives a second checkout or a parallel run its own database, data and prefix.
  const slot = scratch && process.env.SLIPWAY_TEST_SLOT ? `${mode}_${process.env.SLIPWAY_TEST_SLOT.replace(/[^a-z0-9]/gi, '')}` : mode;
  const dataDir = scratch ? path.join(baseDataDir, slot) : configuredDir;
  mkdirSync(dataDir, { recursive: true });
  const server = await ensurePostgres(baseDataDir);
  const redisUrl = await ensureRedis(baseDataDir);
  const databaseUrl =
    mode === 'start' && process.env.DATABASE_URL
      ? process.env.DATABASE_URL
      : await ensureDatabase(server, scratch ? `slipway_${slot}` : 'slipway', { fresh: scratch });
  const prefix = scratch ? `slipway-${slot}` : 'slipway';

  step('generating the Prisma client and applying migrations');
  prismaGenerate(root);
  prismaMigrateDeploy(root, databaseUrl);
  done(`database ready (${databaseUrl.replace(/\/\/[^@]*@/, '//')})`);

  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  if (scratch) {
    const stale = await redis.keys(`${prefix}:*`);
    if (stale.length) await redis.del(...stale);
  }
  const secrets = scratch ? { adminPassword: 'test-admin-password', internalToken: 'test-internal-token-0123456789' } : credentials(baseDataDir);
  const admin = { email: 'admin@slipway.local', password: secrets.adminPassword };
  // Imported only now: the Prisma client they load is generated a few lines above.
  const { createDb } = await import('@slipway/db');
  const { seed } = await import('../../prisma/seed');
  const db = createDb(databaseUrl, { poolSize: 2 });
  const producer = new JobProducer(redis, { redisUrl, prefix });
  try {
    await seed(db, createBlobStore(blobStoreConfigFromEnv(process.env, { dataDir })), producer, {
      adminEmail: admin.email,
      adminPassword: admin.password,
      demoArtifactPath: path.join(root, 'models', 'iris', 'iris.tar.gz'),
    });
  } finally {
    await producer.close();
    await db.$disconnect();
    redis.disconnect();
  }
  return { root, dataDir, databaseUrl, redisUrl, prefix, internalToken: secrets.internalToken, admin };
}

/**
 * The key teams' secrets are sealed with (SLIPWAY_SECRET_KEY): the environment's, else a development key generated once
 * per data directory and kept beside the data (`secret-key`, mode 600). Losing it loses every stored secret's value, so
 * a production deployment sets its own and backs it up.
 */
export function secretKeyOf(dataDir: string): string {
  if (process.env.SLIPWAY_SECRET_KEY) return process.env.SLIPWAY_SECRET_KEY;
  const file = path.join(dataDir, 'secret-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  step(`generated a development SLIPWAY_SECRET_KEY for teams' secrets in ${file} (set SLIPWAY_SECRET_KEY in production)`);
  return key;
}

/** The environment every Slipway process reads (see each app's src/env.ts). */
export function processEnv(env: PlatformEnv, gatewayUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SLIPWAY_SECRET_KEY: secretKeyOf(env.dataDir),
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    SLIPWAY_PREFIX: env.prefix,
    SLIPWAY_DATA_DIR: env.dataDir,
    SLIPWAY_GATEWAY_URL: gatewayUrl,
    SLIPWAY_INTERNAL_TOKEN: env.internalToken,
    NEXT_TELEMETRY_DISABLED: '1',
  };
}
