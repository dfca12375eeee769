import type { Db } from '@slipway/db';
import type { JobProducer } from '@slipway/queue';
import type { BlobStore } from '@slipway/storage';
import type { Redis } from 'ioredis';
import type { ArtifactCache } from './artifact-cache';
import type { Autoscaler } from './controller/autoscale';
import type { ReplicaHealth } from './controller/health';
import type { Controller } from './controller/context';
import type { ReplicaDriver } from './drivers/driver';

/** What every job handler is given: built once in main (or a test) and passed down. */
export interface WorkerContext {
  db: Db;
  redis: Redis;
  store: BlobStore;
  artifacts: ArtifactCache;
  driver: ReplicaDriver;
  prefix: string;
  controller: Controller;
  health: ReplicaHealth;
  autoscaler: Autoscaler;
  /** Enqueues follow-up jobs (alert webhooks). */
  producer: Pick<JobProducer, 'enqueue'>;
  /** The local driver's replica logs (`<dataDir>/replica-logs`), pruned with the history; none on Kubernetes. */
  replicaLogDir?: string;
}
