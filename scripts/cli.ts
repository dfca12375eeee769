// `npm start` / `npm test` / `npm run bench` after dependencies are installed (see bootstrap.mjs).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApps } from './lib/app-build';
import { launchPlatform } from './lib/launch';
import { done, step } from './lib/log';
import { preparePlatform, processEnv } from './lib/platform';
import { prismaGenerate } from './lib/prisma';
import { runAsync } from './lib/run';
import { lint } from './lib/lint';
import { ensureSystemPackages } from './lib/system-packages';
import { testRequirements } from './lib/test-requirements';
import { typecheck } from './lib/typecheck';
import { buildWebIfStale } from './lib/web-build';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const command = process.argv[2] ?? 'start';

async function start(): Promise<void> {
  const env = await preparePlatform(root, 'start');
  buildWebIfStale(root);
  await buildApps(root);
  const webPort = Number(process.env.SLIPWAY_WEB_PORT ?? 3000);
  const gatewayPort = Number(process.env.SLIPWAY_GATEWAY_PORT ?? 8081);
  const host = process.env.SLIPWAY_HOST ?? '127.0.0.1';
  const platform = await launchPlatform(env, { webPort, gatewayPort, host });
  console.log(`
  Slipway is running.
    Console:  ${platform.webUrl}
    Login:    ${env.admin.email} / ${env.admin.password}
    Gateway:  ${platform.gatewayUrl}  (POST /models/<deployment>/predict, /v2/models/<deployment>/infer)
  Press Ctrl+C to stop.
`);
  const shutdown = async () => {
    step('stopping…');
    await platform.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

async function test(): Promise<void> {
  // First, before anything slow: what the machine lacks is installed (as root) or named with the command to run.
  ensureSystemPackages(testRequirements(root, process.argv.slice(3)));
  await lint(root);
  const env = await preparePlatform(root, 'test');
  // After preparePlatform: the Prisma client it generates is part of what gets checked.
  await typecheck(root);
  buildWebIfStale(root);
  // One project after the other: the journeys' platform runs a controller that acts on every deployment in
  // the test database, so the integration tests that drive controllers of their own must be done by then.
  const vitest = path.join(root, 'node_modules', '.bin', 'vitest');
  const testEnv = { ...processEnv(env, ''), SLIPWAY_ADMIN_EMAIL: env.admin.email, SLIPWAY_ADMIN_PASSWORD: env.admin.password };
  for (const project of ['unit+integration', 'platform', ...(process.env.SLIPWAY_E2E_KUBECONFIG ? ['kubernetes'] : [])]) {
    step(`running the test suite: ${project} (vitest)`);
    const code = await runAsync(vitest, ['run', '--project', project, '--passWithNoTests', ...process.argv.slice(3)], { cwd: root, env: testEnv });
    if (code !== 0) process.exit(code);
  }
  process.exit(0);
}

async function bench(): Promise<void> {
  const env = await preparePlatform(root, 'bench');
  buildWebIfStale(root);
  await buildApps(root);
  const code = await runAsync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'run.ts'), ...process.argv.slice(3)], {
    cwd: root,
    env: { ...processEnv(env, ''), SLIPWAY_BENCH_ENV: JSON.stringify(env) },
  });
  process.exit(code);
}

const commands: Record<string, () => Promise<void>> = {
  start,
  test,
  bench,
  /** Migrate and seed only (docker-compose's setup service). */
  migrate: async () => void (await preparePlatform(root, 'start')),
  /** The bundles production runs (the Dockerfile's build step). */
  build: () => buildApps(root),
  lint: () => lint(root, process.argv.slice(3)),
  typecheck: async () => {
    prismaGenerate(root);
    await typecheck(root);
  },
  generate: async () => {
    prismaGenerate(root);
    done('Prisma client generated');
  },
};

const run = commands[command];
if (!run) {
  console.error(`unknown command '${command}'; use one of: ${Object.keys(commands).join(', ')}`);
  process.exit(2);
}
run().catch((error) => {
  console.error(`✗ ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
