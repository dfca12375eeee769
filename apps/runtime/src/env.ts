import { runtimeEnvSchema, type RuntimeEnv } from '@slipway/core';

export type { RuntimeEnv };

export function parseRuntimeEnv(env: NodeJS.ProcessEnv = process.env): RuntimeEnv {
  return runtimeEnvSchema.parse(env);
}
