import { randomBytes } from 'node:crypto';
import { lineage, listProcesses, markedProcesses, type ProcessInfo, stopMarked } from './process-sweep';

/**
 * A test run owns every process it starts: each inherits this variable (replicas too: the runtime's
 * launch environment lets it through), so whatever outlives the run is found by it, wherever it is.
 */
export const TEST_RUN_ENV = 'SLIPWAY_TEST_RUN';

/**
 * The test runner itself, which carries the marker without being a survivor: `self` (vitest's main
 * process) and its ancestors (npm test), and its pool workers (children of `self`, which vitest
 * closes only after the global teardowns).
 */
export function runnerProcesses(self: number, processes: readonly ProcessInfo[]): Set<number> {
  const runner = lineage(self, processes);
  for (const p of processes) if (p.ppid === self && p.command.includes('/vitest/dist/workers/')) runner.add(p.pid);
  return runner;
}

/** Stops the run's processes still running, apart from the runner, and returns them. */
export async function sweepTestRun(runId: string, self: number, processes: readonly ProcessInfo[] = listProcesses()): Promise<ProcessInfo[]> {
  const survivors = markedProcesses(processes, TEST_RUN_ENV, runId, runnerProcesses(self, processes));
  await stopMarked(survivors, TEST_RUN_ENV, runId);
  return survivors;
}

export function describeSurvivors(survivors: readonly ProcessInfo[]): string {
  const lines = survivors.map((p) => `  pid ${p.pid}: ${p.command}`);
  return `${survivors.length} process${survivors.length === 1 ? '' : 'es'} started by this test run outlived it (now stopped):\n${lines.join('\n')}`;
}

// vitest globalSetup, for every project (vitest.config.ts): the marker is set before any test file runs,
// and after the last one (and after the journeys' platform has stopped) nothing carrying it may be left.

export function setup(): void {
  process.env[TEST_RUN_ENV] ??= `${process.pid}-${randomBytes(6).toString('hex')}`;
}

export async function teardown(): Promise<void> {
  const runId = process.env[TEST_RUN_ENV];
  if (!runId) return;
  const survivors = await sweepTestRun(runId, process.pid);
  if (survivors.length === 0) return;
  // vitest reports a teardown's error but does not fail the run for it: the exit code says so instead.
  process.exitCode = 1;
  throw new Error(describeSurvivors(survivors));
}
