import path from 'node:path';
import { done, step } from './log';
import { runAsync } from './run';

/**
 * `tsc -b` over the root project, which references every workspace: each package is checked once,
 * its declarations (under its `.tsbuild/`) stand in for its sources in the projects that use it, and
 * a project whose inputs did not change since the last run is skipped.
 */
export async function typecheck(root: string): Promise<void> {
  step('type-checking (tsc -b, every workspace)');
  const code = await runAsync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-b'], { cwd: root });
  if (code !== 0) throw new Error('type errors (see above)');
  done('types check');
}
