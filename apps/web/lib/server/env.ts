import { z } from 'zod';
import { trustsProxy } from '../../edge.mjs';

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
  /** Seals teams' secrets (32 bytes, base64 or hex); npm start generates a development one under .data. */
  SLIPWAY_SECRET_KEY: z.string().min(1).optional(),
  SLIPWAY_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024 ** 3),
  /** JSON request bodies larger than this are refused with 413 (uploads have their own limit above). */
  SLIPWAY_MAX_JSON_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 ** 2),
  /** Set (1) when a reverse proxy terminates TLS: its X-Forwarded-Proto / X-Forwarded-Host are believed. */
  SLIPWAY_TRUST_PROXY: z.enum(['0', '1', 'true', 'false', '']).default('0').transform(trustsProxy),
  /** Failed sign-ins allowed per account, and per client address, within the window before 429. */
  SLIPWAY_LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  SLIPWAY_LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(30),
  SLIPWAY_LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  /** Active API keys one user may hold. */
  SLIPWAY_MAX_API_KEYS_PER_USER: z.coerce.number().int().positive().default(20),
});

export type WebEnv = z.infer<typeof envSchema>;

let parsed: WebEnv | undefined;

/** Parsed on first use, not at import, so `next build` needs no database settings. */
export function webEnv(): WebEnv {
  parsed ??= envSchema.parse(process.env);
  return parsed;
}
