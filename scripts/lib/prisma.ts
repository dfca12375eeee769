import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './run';

/**
 * The Prisma CLI wants native engines at start even with the JS engine and a driver adapter
 * (prisma.config.ts); pointing it at a placeholder keeps it offline. The engines are never used.
 */
function prismaEnv(root: string, databaseUrl?: string): NodeJS.ProcessEnv {
  const placeholder = path.join(root, '.data', 'prisma-engine-placeholder');
  if (!existsSync(placeholder)) {
    mkdirSync(path.dirname(placeholder), { recursive: true });
    writeFileSync(placeholder, '');
  }
  return {
    ...process.env,
    PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
    PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
}

const prismaBin = (root: string) => path.join(root, 'node_modules', '.bin', 'prisma');

export function prismaGenerate(root: string): void {
  run(prismaBin(root), ['generate'], { cwd: root, env: prismaEnv(root), stdio: ['ignore', 'ignore', 'inherit'] });
}

export function prismaMigrateDeploy(root: string, databaseUrl: string): void {
  run(prismaBin(root), ['migrate', 'deploy'], { cwd: root, env: prismaEnv(root, databaseUrl), stdio: ['ignore', 'ignore', 'inherit'] });
}
