import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneReplicaLogs, readReplicaLog, replicaLogPaths, ReplicaLogTail, ReplicaLogWriter } from './replica-log-files';

describe('replica log files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'replica-logs-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps a replica bounded to a rotated pair and reads its newest lines back in order', async () => {
    const id = randomUUID();
    const writer = new ReplicaLogWriter(dir, id, 4_096);
    for (let i = 0; i < 500; i++) {
      writer.write(i % 2 === 0 ? 'stdout' : 'stderr', `line ${i}`);
      if (i % 50 === 0) await writer.close(); // Several flushes, as a replica printing over time.
    }
    await writer.close();
    const { current, previous } = replicaLogPaths(dir, id);
    expect((await stat(current)).size).toBeLessThanOrEqual(4_096);
    expect((await stat(previous)).size).toBeLessThanOrEqual(4_096);
    const records = await readReplicaLog(dir, id);
    expect(records.at(-1)).toMatchObject({ s: 'stderr', l: 'line 499' });
    expect(records.length).toBeLessThan(500);
    const numbers = records.map((r) => Number(r.l.slice(5)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers[0]).toBe(500 - records.length);
  });

  it('follows what a replica adds, across a rotation', async () => {
    const id = randomUUID();
    const writer = new ReplicaLogWriter(dir, id, 200);
    writer.write('stdout', 'before the reader came');
    await writer.close();
    const tail = new ReplicaLogTail(dir, id);
    await tail.start();
    expect(await tail.next()).toEqual([]);
    writer.write('stdout', 'first new line');
    await writer.close();
    expect((await tail.next()).map((r) => r.l)).toEqual(['first new line']);
    for (let i = 0; i < 5; i++) writer.write('stdout', `after rotation ${i} ${'x'.repeat(40)}`);
    await writer.close();
    const seen = (await tail.next()).map((r) => r.l.slice(0, 16));
    expect(seen.at(-1)).toBe('after rotation 4');
  });

  it('never takes a path for a replica id', () => {
    expect(() => replicaLogPaths(dir, '../../etc/passwd')).toThrow(/not a replica id/);
  });

  it('prunes the logs of replicas that ended before the retention, and keeps live and recent ones', async () => {
    const [live, recent, old] = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of [live, recent, old]) {
      const writer = new ReplicaLogWriter(dir, id);
      writer.write('stdout', 'hello');
      await writer.close();
    }
    const hoursAgo = new Date(Date.now() - 10 * 3600_000);
    for (const id of [live, old]) await utimes(replicaLogPaths(dir, id).current, hoursAgo, hoursAgo);
    const pruned = await pruneReplicaLogs(dir, new Date(Date.now() - 6 * 3600_000), async () => new Set([live]));
    expect(pruned).toEqual([old]);
    expect((await readdir(dir)).sort()).toEqual([`${live}.log`, `${recent}.log`].sort());
  });
});
