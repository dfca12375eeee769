import { z } from 'zod';

const envSchema = z.object({
  DATABASE_URL: z.string().min(1),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  SLIPWAY_PREFIX: z.string().default('slipway'),
  SLIPWAY_DATA_DIR: z.string().default('.data'),
  /** GPUs the local driver may hand out; a GPU machine type asks for more than this fails clearly. */
  SLIPWAY_HOST_GPUS: z.coerce.number().int().min(0).default(0),
  /** Interface replicas listen on, and the host name the gateway reaches them by (containers differ). */
  SLIPWAY_REPLICA_BIND_HOST: z.string().default('127.0.0.1'),
  SLIPWAY_REPLICA_ADVERTISE_HOST: z.string().optional(),
  SLIPWAY_READY_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** How long replicas taken out of routing keep serving requests already sent to them before they stop. */
  SLIPWAY_DRAIN_MS: z.coerce.number().int().nonnegative().default(2_000),
  /** How often replicas are probed and unconverged deployments woken (self-healing). */
  SLIPWAY_RESYNC_INTERVAL_MS: z.coerce.number().int().positive().default(1_000),
  /** The autoscaler's tick. */
  SLIPWAY_AUTOSCALE_INTERVAL_MS: z.coerce.number().int().positive().default(1_000),
  SLIPWAY_GC_INTERVAL_MS: z.coerce.number().int().positive().default(60 * 60 * 1000),
  SLIPWAY_GC_GRACE_MS: z.coerce.number().int().nonnegative().default(60 * 60 * 1000),
});

export type WorkerEnv = z.infer<typeof envSchema>;

export function parseWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return envSchema.parse(env);
}
