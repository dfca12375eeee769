import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { done, step } from './log';
import { runAsync } from './run';

/** Every workspace with a tsconfig.json, plus the root project (scripts, bench, e2e). */
function projects(root: string): string[] {
  const found = ['.'];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(path.join(root, group))) {
      if (existsSync(path.join(root, group, name, 'tsconfig.json'))) found.push(path.join(group, name));
    }
  }
  return found;
}

/** `tsc --noEmit` over the whole repo, two projects at a time; throws naming the projects that fail. */
export async function typecheck(root: string): Promise<void> {
  step('type-checking (tsc --noEmit, every workspace)');
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  const queue = projects(root);
  const failed: string[] = [];
  await Promise.all(
    [0, 1].map(async () => {
      for (let project = queue.shift(); project !== undefined; project = queue.shift()) {
        const code = await runAsync(tsc, ['--noEmit', '-p', project], { cwd: root });
        if (code !== 0) failed.push(project);
      }
    }),
  );
  if (failed.length > 0) throw new Error(`type errors in ${failed.join(', ')}`);
  done('types check');
}
