import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toLogLine } from '@slipway/core';
import { readReplicaLog } from '@slipway/storage';
import { startRuntime } from '@slipway/testkit';
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

  it('keeps what a Python predictor prints on each predict, and its traceback as stderr (a real Python replica)', async () => {
    const model = path.join(dir, 'printer');
    await mkdir(model);
    await writeFile(
      path.join(model, 'printer.py'),
      [
        'class Printer:',
        '    def load(self, model_dir):',
        '        pass',
        '    def predict(self, inputs):',
        '        x = inputs["x"]',
        '        print(f"predicting {len(x)} rows", flush=True)',
        '        if (x < 0).any():',
        '            raise ValueError("negative inputs are not allowed")',
        '        return {"y": x * 2}',
        '',
      ].join('\n'),
    );
    const signature = {
      inputs: [{ name: 'x', dtype: 'float32' as const, shape: [null, 2] }],
      outputs: [{ name: 'y', dtype: 'float32' as const, shape: [null, 2] }],
    };
    const runtime = await startRuntime({ modelPath: model, name: 'printer', python: { predictor: 'printer:Printer', signature } });
    const id = randomUUID();
    const captured = captureReplicaOutput(runtime.process, id, { dir });
    try {
      const infer = (data: number[]) =>
        fetch(`${runtime.address}/v2/models/printer/infer`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [data.length / 2, 2], data }] }),
        });
      expect((await infer([1, 2, 3, 4])).status).toBe(200);
      expect((await infer([-1, 2])).status).toBe(500);
    } finally {
      await runtime.stop();
    }
    await captured.done;
    const lines = (await readReplicaLog(dir, id)).map((record) => toLogLine(id, record));
    const printed = lines.filter((l) => l.text.startsWith('predicting'));
    // The replica's own warm-up predict may print first; the two requests' prints come last, in order.
    expect(printed.slice(-2).map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'predicting 2 rows'],
      ['stdout', 'predicting 1 rows'],
    ]);
    const traceback = lines.filter((l) => l.stream === 'stderr').map((l) => l.text);
    expect(traceback).toContain('Traceback (most recent call last):');
    expect(traceback).toContain('ValueError: negative inputs are not allowed');
  });
});
