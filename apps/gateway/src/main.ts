import { createDb } from '@slipway/db';
import { createRedis } from '@slipway/queue';
import { parseGatewayEnv } from './env';
import { startGateway } from './server';

const env = parseGatewayEnv();
const db = createDb(env.DATABASE_URL, { poolSize: 4 });
const redis = createRedis({ redisUrl: env.REDIS_URL, prefix: env.SLIPWAY_PREFIX });
const gateway = await startGateway({
  db,
  redis,
  prefix: env.SLIPWAY_PREFIX,
  port: env.PORT,
  host: env.HOST,
  internalToken: env.SLIPWAY_INTERNAL_TOKEN,
  metricsToken: env.SLIPWAY_METRICS_TOKEN ?? env.SLIPWAY_INTERNAL_TOKEN,
  rollupIntervalMs: env.SLIPWAY_ROLLUP_INTERVAL_MS,
  maxBodyBytes: env.SLIPWAY_MAX_BODY_BYTES,
  upstreamTransport: env.SLIPWAY_UPSTREAM_TRANSPORT,
  defaultRateLimit: env.SLIPWAY_DEFAULT_RATE_LIMIT,
  holdMaxRequests: env.SLIPWAY_HOLD_MAX_REQUESTS,
  holdTimeoutMs: env.SLIPWAY_HOLD_TIMEOUT_MS,
});
console.log(JSON.stringify({ msg: 'listening', url: gateway.url }));

async function shutdown(): Promise<void> {
  await gateway.close();
  await db.$disconnect();
  redis.disconnect();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
