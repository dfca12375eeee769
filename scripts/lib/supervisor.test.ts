import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { supervise, type SuperviseOptions, type SupervisedProcess } from './supervisor';

const STAYS_UP = 'setInterval(() => {}, 1 << 30)';
const CRASHES_ON_START = 'process.exit(3)';
const IGNORES_SIGTERM = `process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1 << 30)`;

describe('supervise', () => {
  const started: SupervisedProcess[] = [];
  let lines: string[];
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(started.splice(0).map((supervised) => supervised.stop()));
  });

  function node(script: string, options: SuperviseOptions = {}): SupervisedProcess {
    lines = [];
    const supervised = supervise('sleeper', () => spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] }), {
      initialBackoffMs: 10,
      log: (line) => lines.push(line),
      ...options,
    });
    started.push(supervised);
    return supervised;
  }

  it('restarts a killed child and says so in the log', async () => {
    const supervised = node(STAYS_UP);
    const firstPid = supervised.pid!;
    const restarted = supervised.nextRestart();
    process.kill(firstPid, 'SIGKILL');
    const newPid = await restarted;

    expect(newPid).not.toBe(firstPid);
    expect(supervised.pid).toBe(newPid);
    expect(supervised.restarts).toBe(1);
    expect(lines).toEqual(['[supervisor] sleeper exited (signal SIGKILL); restarting in 10 ms (restart 1)', `[supervisor] sleeper restarted (pid ${newPid})`]);
  });

  it('doubles the backoff across consecutive quick crashes, up to the maximum', async () => {
    const supervised = node(CRASHES_ON_START, { maxBackoffMs: 40 });
    for (let restart = 1; restart <= 4; restart++) await supervised.nextRestart();

    const delays = lines.filter((line) => line.includes('restarting')).map((line) => Number(/in (\d+) ms/.exec(line)![1]));
    expect(delays).toEqual([10, 20, 40, 40]);
    expect(lines[0]).toBe('[supervisor] sleeper exited (code 3); restarting in 10 ms (restart 1)');
  });

  it('goes back to the initial backoff after the child stayed up long enough', async () => {
    const supervised = node(CRASHES_ON_START, { resetBackoffAfterMs: 0 });
    for (let restart = 1; restart <= 3; restart++) await supervised.nextRestart();

    expect(lines.filter((line) => line.includes('restarting in 10 ms'))).toHaveLength(3);
  });

  it('does not restart a child after stop()', async () => {
    const supervised = node(STAYS_UP);
    const child = supervised.child;
    await supervised.stop();

    expect(child.signalCode).toBe('SIGTERM');
    expect(supervised.restarts).toBe(0);
    expect(lines).toEqual([]);
  });

  it('cancels a pending restart when stopped during the backoff', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const supervised = node(CRASHES_ON_START);
    await once(supervised, 'exit');
    await supervised.stop();
    vi.runAllTimers();

    expect(supervised.restarts).toBe(0);
    expect(lines.some((line) => line.includes('restarted'))).toBe(false);
  });

  it('kills a child that ignores SIGTERM once the stop timeout passes', async () => {
    const supervised = node(IGNORES_SIGTERM, { stopTimeoutMs: 100 });
    await once(supervised.child.stdout!, 'data');
    await supervised.stop();

    expect(supervised.child.signalCode).toBe('SIGKILL');
    expect(supervised.restarts).toBe(0);
  });
});
