import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readReplicaLog } from '@slipway/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureReplicaOutput } from './replica-output';

describe('captureReplicaOutput', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'replica-output-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("keeps a real process's stdout and stderr lines with their stream and time, with its secrets masked", async () => {
    const id = randomUUID();
    const token = 'replica-token-0123456789abcdef';
    const script = `console.log('hello from stdout'); console.error('failed with ${token}'); console.log('password=hunter2 bye');`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const seen: string[] = [];
    const started = Date.now();
    await captureReplicaOutput(child, id, { dir, secrets: [token], onLine: (stream, line) => seen.push(`${stream}:${line}`) }).done;
    const records = await readReplicaLog(dir, id);
    expect(records.map((r) => [r.s, r.l]).sort()).toEqual(
      [
        ['stdout', 'hello from stdout'],
        ['stderr', 'failed with [redacted]'],
        ['stdout', 'password=[redacted] bye'],
      ].sort(),
    );
    expect(seen).toContain('stderr:failed with [redacted]');
    for (const r of records) expect(Date.parse(r.t)).toBeGreaterThanOrEqual(started - 1000);
    expect(JSON.stringify(records)).not.toContain(token);
    expect(JSON.stringify(records)).not.toContain('hunter2');
  });
});
