import { z } from 'zod';

const envSchema = z.object({
  DATABASE_URL: z.string().min(1),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  SLIPWAY_PREFIX: z.string().default('slipway'),
  PORT: z.coerce.number().int().min(0).default(8081),
  HOST: z.string().default('127.0.0.1'),
  /** Lets the web console's "try it" call any deployment without a user's API key. */
  SLIPWAY_INTERNAL_TOKEN: z.string().min(16).optional(),
  /** Bearer token `/metrics` requires (it names every deployment); defaults to SLIPWAY_INTERNAL_TOKEN. */
  SLIPWAY_METRICS_TOKEN: z.string().min(16).optional(),
  SLIPWAY_ROLLUP_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  SLIPWAY_DEFAULT_RATE_LIMIT: z.coerce.number().positive().default(10_000),
  /** How requests reach replicas: their framed listener when they announce one, or always plain HTTP. */
  SLIPWAY_UPSTREAM_TRANSPORT: z.enum(['framed', 'http']).default('framed'),
  SLIPWAY_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  /**
   * Requests for a deployment scaled to zero wait in memory while it wakes: at most this many per
   * deployment (more answer 503 hold_full), each for at most this long (then 503 hold_timeout).
   */
  SLIPWAY_HOLD_MAX_REQUESTS: z.coerce.number().int().min(0).default(1_000),
  SLIPWAY_HOLD_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** `off`: no predictions ledger and no capture in this gateway (feedback still answers). */
  SLIPWAY_QUALITY: z.enum(['on', 'off']).default('on'),
  /** How often capture settings changed in the console are picked up. */
  SLIPWAY_QUALITY_REFRESH_MS: z.coerce.number().int().positive().default(5_000),
  /** Where captures go with the fs blob store (`<dir>/blobs`, as the web and worker use); SLIPWAY_STORAGE=s3 for S3. */
  SLIPWAY_DATA_DIR: z.string().default('.data'),
  /** Gateway processes sharing the port (node:cluster): a number, or `auto` for one per core. */
  SLIPWAY_GATEWAY_WORKERS: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(1024)]).default(1),
});

export type GatewayEnv = z.infer<typeof envSchema>;

export function parseGatewayEnv(env: NodeJS.ProcessEnv = process.env): GatewayEnv {
  return envSchema.parse(env);
}
