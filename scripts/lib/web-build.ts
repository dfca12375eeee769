import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { run } from './run';
import { done, step } from './log';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.next' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * `tsc -b apps/web` then `next build` when the web app or a package it bundles changed since the last
 * build. Next skips its own type check (next.config.ts): it cannot build the referenced packages' declarations.
 */
export function buildWebIfStale(root: string): void {
  const web = path.join(root, 'apps', 'web');
  const buildId = path.join(web, '.next', 'BUILD_ID');
  const sources = Math.max(newestMtime(web), newestMtime(path.join(root, 'packages')));
  if (existsSync(buildId) && statSync(buildId).mtimeMs > sources) return;
  step('building the web app (next build)…');
  run(path.join(root, 'node_modules', '.bin', 'tsc'), ['-b', web], { cwd: root });
  run(path.join(root, 'node_modules', '.bin', 'next'), ['build'], {
    cwd: web,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  done('web app built');
}
