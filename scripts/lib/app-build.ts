import path from 'node:path';
import { build, stop } from 'esbuild';
import { externalDependencies, REQUIRE_BANNER } from './esbuild-externals';
import { done, step } from './log';

/** One bundle: an app's TypeScript entry and the JavaScript file production runs (`node apps/<app>/dist/<out>`). */
export interface AppBundle {
  app: 'gateway' | 'worker' | 'runtime';
  entry: string;
  out: string;
}

/**
 * What production runs. The runtime's worker-thread entry keeps its name: worker-model.ts starts
 * `./inference-worker-entry.mjs` beside itself, which in dist/ is the bundled worker (no tsx to register).
 * The worker's fetch-artifact is a Kubernetes init container's command.
 */
export const APP_BUNDLES: readonly AppBundle[] = [
  { app: 'gateway', entry: 'src/main.ts', out: 'main.js' },
  { app: 'worker', entry: 'src/main.ts', out: 'main.js' },
  { app: 'worker', entry: 'src/fetch-artifact.ts', out: 'fetch-artifact.js' },
  { app: 'runtime', entry: 'src/main.ts', out: 'main.js' },
  { app: 'runtime', entry: 'src/runners/onnx/inference-worker.ts', out: 'inference-worker-entry.mjs' },
];

/** Where a bundle is written. */
export function bundlePath(root: string, bundle: Pick<AppBundle, 'app' | 'out'>): string {
  return path.join(root, 'apps', bundle.app, 'dist', bundle.out);
}

/** Bundles one entry: our workspace packages in, installed dependencies out (see esbuild-externals.ts). */
export async function bundleEntry(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Resolve as Node does at run time: package.json `main` and `exports`, never a bundler-only `module` field.
    mainFields: ['main'],
    conditions: ['node'],
    plugins: [externalDependencies()],
    banner: { js: REQUIRE_BANNER },
    // For stack traces with `node --enable-source-maps`; not loaded otherwise.
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

/**
 * Builds every app `npm start` and the image run (esbuild: a second or two). Always rebuilt, never
 * judged stale: a bundle pulls in files from several packages and is cheaper to rebuild than to check.
 */
export async function buildApps(root: string): Promise<void> {
  step('building gateway, worker and runtime (esbuild → apps/*/dist)');
  const started = performance.now();
  await Promise.all(APP_BUNDLES.map((bundle) => bundleEntry(path.join(root, 'apps', bundle.app, bundle.entry), bundlePath(root, bundle))));
  // esbuild's service process would otherwise live as long as this one (a test run's, which counts survivors).
  await stop();
  done(`apps built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
