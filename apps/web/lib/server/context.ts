import path from 'node:path';
import { createDb, type Db } from '@slipway/db';
import type { Transitions } from '@slipway/controller';
import { createRedis, JobProducer } from '@slipway/queue';
import { blobStoreConfigFromEnv, createBlobStore, type BlobStore } from '@slipway/storage';
import type { Redis } from 'ioredis';
import { webEnv } from './env';

interface ServerContext {
  db: Db;
  redis: Redis;
  producer: JobProducer;
  store: BlobStore;
  /** Spec changes go through the controller's transitions: desired state only, then the worker acts. */
  transitions: Transitions;
}

const globalForContext = globalThis as unknown as { slipwayContext?: ServerContext };

/** One database pool, Redis connection and blob store per server process. */
export function serverContext(): ServerContext {
  if (!globalForContext.slipwayContext) {
    const env = webEnv();
    const queueConfig = { redisUrl: env.REDIS_URL, prefix: env.SLIPWAY_PREFIX };
    const redis = createRedis(queueConfig);
    const db = createDb(env.DATABASE_URL);
    const producer = new JobProducer(redis, queueConfig);
    globalForContext.slipwayContext = {
      db,
      redis,
      producer,
      transitions: { db, producer },
      store: createBlobStore(blobStoreConfigFromEnv(process.env, { dataDir: path.resolve(env.SLIPWAY_DATA_DIR) })),
    };
  }
  return globalForContext.slipwayContext;
}
