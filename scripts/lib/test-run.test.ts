import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { listProcesses, type ProcessInfo, readProcess } from './process-sweep';
import { describeSurvivors, runnerProcesses, sweepTestRun, TEST_RUN_ENV } from './test-run';

const SLEEPS = 'setInterval(() => {}, 1 << 30)';
/** A replica's shape: leads its own process group and has a child of its own, then prints both pids. */
const LEADS_A_GROUP_WITH_A_CHILD = `
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, ['-e', ${JSON.stringify(SLEEPS)}], { stdio: 'ignore' });
  console.log(JSON.stringify({ pid: process.pid, child: child.pid }));
  ${SLEEPS}`;
const IGNORES_SIGTERM = `process.on('SIGTERM', () => {}); console.log(JSON.stringify({ pid: process.pid })); ${SLEEPS}`;

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A process outside the runner (a test's run id, not this run's), detached as the local driver starts replicas. */
async function startMarked(runId: string, script: string, options: { detached?: boolean } = {}): Promise<{ pid: number; child?: number }> {
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...process.env, [TEST_RUN_ENV]: runId },
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  started.push(child);
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return JSON.parse(line);
}

const alive = (pid: number) => readProcess(pid) !== null;

describe('sweepTestRun', () => {
  it('stops every process carrying the run id, with its process group, and returns them; others are left alone', async () => {
    const runId = `test-${randomBytes(6).toString('hex')}`;
    const leader = await startMarked(runId, LEADS_A_GROUP_WITH_A_CHILD, { detached: true });
    const plain = await startMarked(runId, `console.log(JSON.stringify({ pid: process.pid })); ${SLEEPS}`);
    const otherRun = await startMarked(`${runId}-other`, `console.log(JSON.stringify({ pid: process.pid })); ${SLEEPS}`);

    const survivors = await sweepTestRun(runId, process.pid);

    expect(survivors.map((p) => p.pid).sort()).toEqual([leader.pid, leader.child, plain.pid].sort());
    expect([leader.pid, leader.child!, plain.pid].filter(alive)).toEqual([]);
    expect(alive(otherRun.pid)).toBe(true);
    expect(await sweepTestRun(runId, process.pid)).toEqual([]);
  });

  it('kills what ignores SIGTERM once the grace period is over', async () => {
    const runId = `test-${randomBytes(6).toString('hex')}`;
    const stubborn = await startMarked(runId, IGNORES_SIGTERM);
    const survivors = await sweepTestRun(runId, process.pid);
    expect(survivors.map((p) => p.pid)).toEqual([stubborn.pid]);
    expect(alive(stubborn.pid)).toBe(false);
  });

  it('never counts the runner: itself, its ancestors and its pool workers', () => {
    const runId = 'run-1';
    const env = new Map([[TEST_RUN_ENV, runId]]);
    const processes: ProcessInfo[] = [
      { pid: 10, ppid: 1, pgid: 10, command: 'node scripts/bootstrap.mjs test', env },
      { pid: 20, ppid: 10, pgid: 10, command: 'node node_modules/.bin/vitest run', env },
      { pid: 30, ppid: 20, pgid: 10, command: 'node /repo/node_modules/vitest/dist/workers/forks.js', env },
      { pid: 40, ppid: 30, pgid: 40, command: 'node apps/runtime/src/main.ts', env },
      { pid: 50, ppid: 20, pgid: 10, command: 'node apps/worker/dist/main.js', env },
    ];
    expect([...runnerProcesses(20, processes)].sort()).toEqual([10, 20, 30]);
  });

  it('lists the survivors by pid and command', () => {
    const env = new Map<string, string>();
    const message = describeSurvivors([
      { pid: 4242, ppid: 1, pgid: 4242, command: 'node apps/runtime/dist/main.js', env },
      { pid: 4243, ppid: 1, pgid: 4243, command: 'node apps/runtime/dist/main.js', env },
    ]);
    expect(message).toBe(
      '2 processes started by this test run outlived it (now stopped):\n  pid 4242: node apps/runtime/dist/main.js\n  pid 4243: node apps/runtime/dist/main.js',
    );
  });

  it('reads this process from /proc with its environment and command', () => {
    expect(process.env[TEST_RUN_ENV], 'set by the global setup before any test file runs').toBeTruthy();
    const self = listProcesses().find((p) => p.pid === process.pid);
    expect(self?.ppid).toBe(process.ppid);
    expect(self?.command).toContain(process.execPath);
    expect(self?.env.get(TEST_RUN_ENV)).toBe(process.env[TEST_RUN_ENV]);
  });
});
