import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stop } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleEntry } from './app-build';
import { isEsmFile, relativeSpecifier } from './esbuild-externals';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dirs: string[] = [];
afterAll(async () => {
  await stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Bundles `source` as an app entry would be (inside the repository, so that node_modules resolve) and runs it. */
async function bundleAndRun(source: string): Promise<{ status: number | null; stdout: string; stderr: string; bundle: string }> {
  const cache = path.join(root, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(path.join(cache, 'slipway-bundle-test-'));
  dirs.push(dir);
  await writeFile(path.join(dir, 'entry.ts'), source);
  const outfile = path.join(dir, 'dist', 'main.js');
  await bundleEntry(path.join(dir, 'entry.ts'), outfile);
  const run = spawnSync(process.execPath, [outfile], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, bundle: await readFile(outfile, 'utf8') };
}

describe('app bundles', () => {
  it("run a workspace package's CommonJS dependency with every name, in the version that package installed", async () => {
    // core imports { CronExpressionParser } from cron-parser 5 (CommonJS, under packages/core/node_modules);
    // the root node_modules holds cron-parser 4 for bullmq, which has no such export.
    const result = await bundleAndRun(
      "import { scheduleProblem } from '@slipway/core';\nconsole.log(JSON.stringify([scheduleProblem('0 9 * * 1-5', 'Europe/Paris'), scheduleProblem('not cron', 'UTC') !== null]));\n",
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([null, true]);
    expect(result.bundle).toContain('packages/core/node_modules/cron-parser/');
  });

  it('keep installed dependencies out of the bundle, by their bare names where they resolve the same', async () => {
    const result = await bundleAndRun("import { z } from 'zod';\nconsole.log(z.string().parse('kept'));\n");
    expect(result.stdout.trim()).toBe('kept');
    expect(result.bundle).toMatch(/from "zod"/);
    expect(result.bundle).not.toContain('ZodString extends');
  });
});

describe('isEsmFile', () => {
  it('follows Node: .mjs, or .js under "type": "module"; .cjs and plain .js are CommonJS', () => {
    const typeModule = () => '{"type":"module"}';
    const noType = () => '{}';
    expect(isEsmFile('/x/index.mjs', noType)).toBe(true);
    expect(isEsmFile('/x/index.js', typeModule)).toBe(true);
    expect(isEsmFile('/x/index.js', noType)).toBe(false);
    expect(isEsmFile('/x/index.cjs', typeModule)).toBe(false);
    expect(isEsmFile('/x/index.js', () => null)).toBe(false);
  });
});

describe('relativeSpecifier', () => {
  it('points from the bundle directory to the file, always starting with a dot', () => {
    expect(relativeSpecifier('/repo/apps/worker/dist', '/repo/packages/core/node_modules/cron-parser/dist/index.js')).toBe(
      '../../../packages/core/node_modules/cron-parser/dist/index.js',
    );
    expect(relativeSpecifier('/repo/apps/worker/dist', '/repo/apps/worker/dist/node_modules/x/index.js')).toBe('./node_modules/x/index.js');
  });
});
