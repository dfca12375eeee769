import path from 'node:path';
import { done, step } from './log';
import { runAsync } from './run';

/** The lint and format gate (Biome, biome.json): `npm run lint -- --write` applies its fixes and formatting. */
export async function lint(root: string, extraArgs: string[] = []): Promise<void> {
  step('linting and checking formatting (biome check)');
  const code = await runAsync(path.join(root, 'node_modules', '.bin', 'biome'), ['check', '--diagnostic-level=error', ...extraArgs, '.'], { cwd: root });
  if (code !== 0) throw new Error("lint or format errors: run 'npm run lint -- --write' and fix what remains");
  done('lint and format clean');
}
