import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildApps } from '../scripts/lib/app-build';
import { freePort, launchPlatform, type RunningPlatform } from '../scripts/lib/launch';
import type { PlatformEnv } from '../scripts/lib/platform';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: { webUrl: string; gatewayUrl: string; admin: { email: string; password: string }; demoModelPath: string; env: PlatformEnv; apiKeyCap: number };
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let platform: RunningPlatform | undefined;

/** One running platform (web, worker, gateway) for every journey, on the database `npm test` prepared. */
export async function setup(project: TestProject): Promise<void> {
  const required = [
    'DATABASE_URL',
    'REDIS_URL',
    'SLIPWAY_PREFIX',
    'SLIPWAY_DATA_DIR',
    'SLIPWAY_INTERNAL_TOKEN',
    'SLIPWAY_ADMIN_EMAIL',
    'SLIPWAY_ADMIN_PASSWORD',
  ];
  const missing = required.filter((name) => !process.env[name]);
  if (missing.length) throw new Error(`run the platform tests through 'npm test' (missing ${missing.join(', ')})`);
  const env: PlatformEnv = {
    root,
    dataDir: process.env.SLIPWAY_DATA_DIR!,
    databaseUrl: process.env.DATABASE_URL!,
    redisUrl: process.env.REDIS_URL!,
    prefix: process.env.SLIPWAY_PREFIX!,
    internalToken: process.env.SLIPWAY_INTERNAL_TOKEN!,
    admin: { email: process.env.SLIPWAY_ADMIN_EMAIL!, password: process.env.SLIPWAY_ADMIN_PASSWORD! },
  };
  // Rollups every second, so a canary's guardrails see a step's traffic within a short bake time.
  process.env.SLIPWAY_ROLLUP_INTERVAL_MS ??= '1000';
  // Replicas hand their drift windows to the worker every second, so traffic shows on the drift page at once.
  process.env.SLIPWAY_DRIFT_WINDOW_MS ??= '1000';
  // The worker samples replica CPU and memory every second, so the Performance page has points at once.
  process.env.SLIPWAY_RESOURCE_SAMPLE_MS ??= '1000';
  // Alert rules evaluated every second, so a rule fires within a second or two of its window breaching.
  process.env.SLIPWAY_ALERT_INTERVAL_MS ??= '1000';
  // Every journey shares this platform's one admin, and most make it a key of their own: room for all of them (the
  // cap itself is checked in security.test.ts, by a user of its own filling it).
  process.env.SLIPWAY_MAX_API_KEYS_PER_USER ??= '64';
  // The journeys run the bundles `npm start` runs (a second or two to build, so always fresh).
  await buildApps(root);
  platform = await launchPlatform(env, { webPort: await freePort(), gatewayPort: await freePort(), quiet: !process.env.SLIPWAY_TEST_VERBOSE });
  project.provide('stack', {
    webUrl: platform.webUrl,
    gatewayUrl: platform.gatewayUrl,
    admin: env.admin,
    demoModelPath: path.join(root, 'models', 'iris', 'iris.onnx'),
    env,
    apiKeyCap: Number(process.env.SLIPWAY_MAX_API_KEYS_PER_USER),
  });
}

export async function teardown(): Promise<void> {
  await platform?.stop();
}
