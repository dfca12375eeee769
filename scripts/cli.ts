// `npm start` / `npm test` / `npm run bench` after dependencies are installed (see bootstrap.mjs).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchPlatform } from './lib/launch';
import { done, step } from './lib/log';
import { preparePlatform, processEnv } from './lib/platform';
import { prismaGenerate } from './lib/prisma';
import { runAsync } from './lib/run';
import { typecheck } from './lib/typecheck';
import { buildWebIfStale } from './lib/web-build';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const command = process.argv[2] ?? 'start';

async function start(): Promise<void> {
  const env = await preparePlatform(root, 'start');
  buildWebIfStale(root);
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
  const env = await preparePlatform(root, 'test');
  // After preparePlatform: the Prisma client it generates is part of what gets checked.
  await typecheck(root);
  buildWebIfStale(root);
  step('running the test suite (vitest: unit, integration, e2e)');
  const code = await runAsync(path.join(root, 'node_modules', '.bin', 'vitest'), ['run', ...process.argv.slice(3)], {
    cwd: root,
    env: { ...processEnv(env, ''), SLIPWAY_ADMIN_EMAIL: env.admin.email, SLIPWAY_ADMIN_PASSWORD: env.admin.password },
  });
  process.exit(code);
}

async function bench(): Promise<void> {
  const env = await preparePlatform(root, 'bench');
  buildWebIfStale(root);
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
