import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// The Kubernetes journey needs a real cluster: it exists as a project only when one is given.
const realCluster = !!process.env.SLIPWAY_E2E_KUBECONFIG;

// `npm test` prepares Postgres, Redis, the test database and the web build (scripts/cli.ts),
// then runs the projects one after the other: tests beside the code, then journeys against the whole platform.
// Every project's run fails if a process it started outlives it (scripts/lib/test-run.ts).
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        // The web app's own `@/` imports (apps/web/tsconfig.json), for tests that call its route handlers.
        resolve: { alias: [{ find: /^@\//, replacement: fileURLToPath(new URL('./apps/web/', import.meta.url)) }] },
        test: {
          name: 'unit+integration',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/web/lib/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: [...configDefaults.exclude, '**/*.k8s.test.ts'],
          globalSetup: ['scripts/lib/test-run.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'platform',
          include: ['e2e/**/*.test.ts'],
          // Teardowns run in reverse: the platform stops (with its replicas) before the run looks for survivors.
          globalSetup: ['scripts/lib/test-run.ts', 'e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      ...(realCluster
        ? [
            {
              test: {
                name: 'kubernetes',
                include: ['apps/*/src/**/*.k8s.test.ts'],
                globalSetup: ['scripts/lib/test-run.ts'],
                testTimeout: 600_000,
                hookTimeout: 120_000,
              },
            },
          ]
        : []),
    ],
  },
});
