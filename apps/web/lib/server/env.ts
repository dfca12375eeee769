import { z } from 'zod';

const envSchema = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  SLIPWAY_PREFIX: z.string().default('slipway'),
  SLIPWAY_DATA_DIR: z.string().default('.data'),
  /** Public URL of the gateway: shown in endpoint URLs and used by "try it". */
  SLIPWAY_GATEWAY_URL: z.string().default('http://127.0.0.1:8081'),
  /** Where this server reaches the gateway, when that differs from the public URL (containers). */
  SLIPWAY_GATEWAY_INTERNAL_URL: z.string().optional(),
  SLIPWAY_INTERNAL_TOKEN: z.string().min(16).optional(),
  SLIPWAY_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(16 * 1024 ** 3),
});

export type WebEnv = z.infer<typeof envSchema>;

let parsed: WebEnv | undefined;

/** Parsed on first use, not at import, so `next build` needs no database settings. */
export function webEnv(): WebEnv {
  parsed ??= envSchema.parse(process.env);
  return parsed;
}
