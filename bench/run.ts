// `npm run bench [name…]`: runs the benchmarks (all by default) against a prepared Postgres and
// Redis (scripts/cli.ts sets DATABASE_URL, REDIS_URL and the rest), printing their tables.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlatformEnv } from '../scripts/lib/platform';
import { benchAutoscale } from './autoscale';
import { benchBodyLimits } from './body-limits';
import { benchCapture } from './capture';
import { benchCanary } from './canary';
import { benchDrift } from './drift';
import { benchGraph } from './graph';
import { benchPython } from './python';
import { benchRateLimit } from './rate-limit';
import { benchRollout } from './rollout';
import { benchServices } from './services';
import { benchServing } from './serving';
import { benchSpend } from './spend';
import { benchStartup } from './startup';
import { benchUploadMemory } from './upload-memory';

const benches: Record<string, (env: PlatformEnv) => Promise<void>> = {
  serving: benchServing,
  rollout: benchRollout,
  autoscale: benchAutoscale,
  'upload-memory': benchUploadMemory,
  drift: benchDrift,
  'rate-limit': benchRateLimit,
  'body-limits': benchBodyLimits,
  startup: benchStartup,
  services: benchServices,
  graph: benchGraph,
  spend: benchSpend,
  capture: benchCapture,
  canary: benchCanary,
  python: benchPython,
};

const env = JSON.parse(process.env.SLIPWAY_BENCH_ENV ?? 'null') as PlatformEnv | null;
if (!env) throw new Error("run benchmarks through 'npm run bench'");
const selected = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(benches);
for (const name of selected) {
  const bench = benches[name];
  if (!bench) throw new Error(`unknown benchmark '${name}'; choose from ${Object.keys(benches).join(', ')}`);
  console.log(`\n=== bench: ${name} (${path.relative(process.cwd(), fileURLToPath(import.meta.url))})`);
  await bench(env);
}
