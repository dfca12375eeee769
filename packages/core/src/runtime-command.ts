import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How to start a replica: `node` on the runtime's compiled entry (what production runs), or on its
 * TypeScript source under tsx (tests, benchmarks comparing the two). The runtime's package.json
 * exports both; the local driver, the test kit and the benchmarks all launch through here.
 */
export type RuntimeBuild = 'compiled' | 'source';

export interface RuntimeCommand {
  command: string;
  args: string[];
  /** The runtime app's directory. */
  cwd: string;
}

/** A replica runs as its starter does: compiled under a bundled worker, from source under tsx or vitest. */
export function starterBuild(moduleUrl: string = import.meta.url): RuntimeBuild {
  return moduleUrl.endsWith('.ts') ? 'source' : 'compiled';
}

export function runtimeCommand(build: RuntimeBuild = starterBuild()): RuntimeCommand {
  const entry = fileURLToPath(import.meta.resolve(build === 'compiled' ? '@slipway/runtime/main' : '@slipway/runtime/main-source'));
  // Both entries sit one level below the app: dist/main.js and src/main.ts.
  const cwd = path.dirname(path.dirname(entry));
  return { command: process.execPath, args: build === 'compiled' ? [entry] : ['--import', 'tsx', entry], cwd };
}
