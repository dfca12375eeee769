import path from 'node:path';
import { createDb } from '@slipway/db';
import { secretKeyFrom } from '@slipway/controller';
import { channels, createRedis, guardrailChannel, JobProducer, wakeRequestSchema } from '@slipway/queue';
import { blobStoreConfigFromEnv, createBlobStore, replicaLogDir } from '@slipway/storage';
import { ArtifactCache } from './artifact-cache';
import { Autoscaler } from './controller/autoscale';
import { GuardrailNudges } from './controller/guardrail-nudges';
import { ReplicaHealth } from './controller/health';
import { replicaRoom } from './controller/quota-room';
import { createDriver, driverCapacity } from './drivers/create-driver';
import { parseWorkerEnv } from './env';
import { readProcess } from './resources/proc-stats';
import { ResourceSampler } from './resources/resource-sampler';
import { startWorkers } from './worker';
import { log } from './log';

const env = parseWorkerEnv();
const db = createDb(env.DATABASE_URL);
const redis = createRedis({ redisUrl: env.REDIS_URL, prefix: env.SLIPWAY_PREFIX });
const driver = await createDriver(env, db, (line) => process.stderr.write(`${line}\n`));
await redis.set(channels(env.SLIPWAY_PREFIX).driverCapacity, JSON.stringify(driverCapacity(env)));
const dataDir = path.resolve(env.SLIPWAY_DATA_DIR);
const store = createBlobStore(blobStoreConfigFromEnv(process.env, { dataDir }));
const producer = new JobProducer(redis, { redisUrl: env.REDIS_URL, prefix: env.SLIPWAY_PREFIX });
const artifacts = new ArtifactCache(store, path.join(dataDir, 'artifact-cache'), {
  environmentsRoot: path.join(dataDir, 'environments'),
  ...(env.SLIPWAY_PIP_INDEX_URL && { pipIndexUrl: env.SLIPWAY_PIP_INDEX_URL }),
  sandbox: env.SLIPWAY_SANDBOX,
});
const controller = {
  db,
  redis,
  prefix: env.SLIPWAY_PREFIX,
  driver,
  artifacts,
  transitions: { db, producer },
  clock: Date.now,
  readyTimeoutMs: env.SLIPWAY_READY_TIMEOUT_MS,
  drainMs: env.SLIPWAY_DRAIN_MS,
  ...(env.SLIPWAY_SECRET_KEY && { secretKey: secretKeyFrom(env.SLIPWAY_SECRET_KEY) }),
};
const health = new ReplicaHealth(controller, producer);
const autoscaler = new Autoscaler(controller, producer, (variantId) => replicaRoom(db, variantId));
const replicaLogs = driver.name === 'local' ? { replicaLogDir: replicaLogDir(dataDir) } : {};
const ctx = { db, redis, driver, store, artifacts, prefix: env.SLIPWAY_PREFIX, controller, health, autoscaler, producer, ...replicaLogs };

// Gateways holding requests for a sleeping deployment ask for it here: waking must not wait for a tick.
const subscriber = redis.duplicate();
// Gateways nudge a canary whose candidate just failed requests: its step is judged now, not at its next look.
const nudge = new GuardrailNudges(producer);
subscriber.on('message', (channel: string, message: string) => {
  if (channel === guardrailChannel(env.SLIPWAY_PREFIX)) return nudge.receive(message);
  const request = wakeRequestSchema.safeParse(JSON.parse(message));
  if (request.success)
    void autoscaler
      .wake(request.data.deploymentId, request.data.variantIds)
      .catch((err) => log.error({ err, deploymentId: request.data.deploymentId }, 'waking failed'));
});
await subscriber.subscribe(channels(env.SLIPWAY_PREFIX).wake, guardrailChannel(env.SLIPWAY_PREFIX));

// Replicas of an earlier worker process keep serving: the first resync adopts the live ones and replaces the rest.
await health.resync();
await producer.schedule('resyncDeployments', {}, env.SLIPWAY_RESYNC_INTERVAL_MS);
await producer.schedule('autoscaleDeployments', {}, env.SLIPWAY_AUTOSCALE_INTERVAL_MS);
await producer.schedule('collectGarbage', { graceMs: env.SLIPWAY_GC_GRACE_MS }, env.SLIPWAY_GC_INTERVAL_MS);
await producer.schedule('compactDriftWindows', {}, 10 * 60_000);
await producer.schedule('compactRollups', {}, 10 * 60_000);
await producer.schedule('pruneHistory', {}, 60 * 60_000);
await producer.schedule('pruneQuality', {}, 60 * 60_000);
await producer.schedule('evaluateAlerts', {}, env.SLIPWAY_ALERT_INTERVAL_MS);
const workers = startWorkers(ctx);
// Per host, not a queued job: only the worker that runs replica processes can read them.
const sampler = new ResourceSampler({ db, driver, readProcess, clock: Date.now });
if (env.SLIPWAY_RESOURCE_SAMPLE_MS > 0) {
  sampler.start(env.SLIPWAY_RESOURCE_SAMPLE_MS);
  await producer.schedule('sampleRemoteReplicas', {}, env.SLIPWAY_RESOURCE_SAMPLE_MS);
}
log.info({ driver: driver.name, prefix: env.SLIPWAY_PREFIX }, 'worker started');

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await workers.close();
  await sampler.stop();
  subscriber.disconnect();
  await producer.close();
  await driver.close();
  await db.$disconnect();
  redis.disconnect();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
