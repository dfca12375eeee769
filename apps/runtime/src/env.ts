import { z } from 'zod';

const onOff = z.enum(['auto', 'on', 'off']);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).default(8090),
  HOST: z.string().default('127.0.0.1'),
  SLIPWAY_MODEL_PATH: z.string().min(1),
  SLIPWAY_MODEL_NAME: z.string().min(1),
  SLIPWAY_MODEL_VERSION: z.string().default('1'),
  SLIPWAY_INTRA_OP_THREADS: z.coerce.number().int().min(0).default(0),
  SLIPWAY_EXECUTION_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
  /** `auto` batches models whose batch dimension is dynamic. */
  SLIPWAY_BATCHING: onOff.default('auto'),
  SLIPWAY_MAX_BATCH_SIZE: z.coerce.number().int().positive().default(64),
  /** How long an idle model waits for more requests before running a batch; 0 runs at once. */
  SLIPWAY_MAX_QUEUE_DELAY_MS: z.coerce.number().min(0).default(0),
  /**
   * Where `session.run` executes. onnxruntime-node runs it synchronously, so a model whose single run
   * takes long (hundreds of milliseconds) stalls the HTTP thread and its health checks: `worker` moves
   * it to a worker thread. On this 2-core bench the hop cost 8% of batched CNN throughput, so `main` is the default.
   */
  SLIPWAY_INFERENCE_THREAD: z.enum(['main', 'worker']).default('main'),
  SLIPWAY_MAX_BODY_BYTES: z.coerce.number().int().positive().default(16 * 1024 * 1024),
  /** Feature names from the version's manifest (JSON array), for `{"features": {…}}` requests. */
  SLIPWAY_FEATURE_NAMES: z
    .string()
    .optional()
    .transform((v) => (v ? z.array(z.string()).min(1).parse(JSON.parse(v)) : undefined)),
  /** One inference on zeros before listening, so the first caller does not pay onnxruntime's first-run cost. */
  SLIPWAY_WARM_UP: z.enum(['on', 'off']).default('on'),
  SLIPWAY_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Drift monitoring: set by the driver; without a variant (a replica started by hand) nothing is collected. */
  SLIPWAY_VARIANT_ID: z.string().uuid().optional(),
  SLIPWAY_REPLICA_ID: z.string().default(() => `replica-${process.pid}`),
  /** How often the replica hands its drift sketches to the worker; 0 turns collection off. */
  SLIPWAY_DRIFT_WINDOW_MS: z.coerce.number().int().nonnegative().default(10_000),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  SLIPWAY_PREFIX: z.string().default('slipway'),
});

export type RuntimeEnv = z.infer<typeof envSchema>;

export function parseRuntimeEnv(env: NodeJS.ProcessEnv = process.env): RuntimeEnv {
  return envSchema.parse(env);
}
