import { Redis } from 'ioredis';

export interface QueueConfig {
  redisUrl: string;
  /** Key prefix for every BullMQ queue and pub/sub channel, so test runs never touch dev data. */
  prefix: string;
}

/** BullMQ needs `maxRetriesPerRequest: null` on connections used by workers. */
export function createRedis(config: QueueConfig): Redis {
  return new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
}
