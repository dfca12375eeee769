import cluster from 'node:cluster';
import { createDb } from '@slipway/db';
import path from 'node:path';
import { createRedis } from '@slipway/queue';
import { blobStoreConfigFromEnv, createBlobStore } from '@slipway/storage';
import { gatewayProcessCount, superviseGatewayProcesses } from './cluster';
import { clusterMetrics } from './cluster-metrics';
import { parseGatewayEnv } from './env';
import { startGateway } from './server';
import { log } from './log';

const env = parseGatewayEnv();
const processes = gatewayProcessCount(env.SLIPWAY_GATEWAY_WORKERS);
if (processes > 1 && cluster.isPrimary) superviseGatewayProcesses(processes);
else await serve();

async function serve(): Promise<void> {
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
    defaultRateLimit: env.SLIPWAY_DEFAULT_RATE_LIMIT,
    upstreamTransport: env.SLIPWAY_UPSTREAM_TRANSPORT,
    holdMaxRequests: env.SLIPWAY_HOLD_MAX_REQUESTS,
    holdTimeoutMs: env.SLIPWAY_HOLD_TIMEOUT_MS,
    hostMetrics: cluster.isWorker ? clusterMetrics : undefined,
    quality: { enabled: env.SLIPWAY_QUALITY === 'on', settingsRefreshMs: env.SLIPWAY_QUALITY_REFRESH_MS },
    blobs: createBlobStore(blobStoreConfigFromEnv(process.env, { dataDir: path.resolve(env.SLIPWAY_DATA_DIR) })),
  });
  log.info({ url: gateway.url }, 'listening');

  const shutdown = async () => {
    await gateway.close();
    await db.$disconnect();
    redis.disconnect();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
