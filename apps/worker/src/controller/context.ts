import type { Transitions } from '@slipway/controller';
import type { Db, Prisma } from '@slipway/db';
import type { Redis } from 'ioredis';
import type { ArtifactCache } from '../artifact-cache';
import type { ReplicaDriver } from '../drivers/driver';

/** Everything the controller acts through, passed in (tests build their own). */
export interface Controller {
  db: Db;
  redis: Redis;
  prefix: string;
  driver: ReplicaDriver;
  artifacts: ArtifactCache;
  transitions: Transitions;
  clock: () => number;
  readyTimeoutMs: number;
  /** How long replicas taken out of routing keep serving what they were already sent. */
  drainMs: number;
  /** SLIPWAY_SECRET_KEY: opens the team secrets a service names; without it such a service cannot start. */
  secretKey?: Buffer;
}

/** One replica set (variant row) with its live and draining replicas, as a pass of the controller reads it. */
export type VariantRow = Prisma.VariantGetPayload<{ include: { replicaList: true } }>;

/** Replica states that serve, or are about to. */
export const LIVE = ['starting', 'ready'] as const;
