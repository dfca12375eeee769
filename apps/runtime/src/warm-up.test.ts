import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseListeningLine, runtimeLaunchEnv } from '@slipway/core';
import { buildAllTypesEcho, buildFailingModel, trainIrisClassifier } from '@slipway/onnx-builder';
import { describe, expect, it } from 'vitest';
import { modelFile, post } from './test/models';
import { zeroFeeds } from './warm-up';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Starts a replica and collects its log lines up to `listening` (testkit's startRuntime reads them itself). */
async function startLogged(modelPath: string, name: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    env: runtimeLaunchEnv({ port: 0, host: '127.0.0.1', modelPath, modelName: name, modelVersion: '1' }, process.env, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const lines: Record<string, any>[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const message = JSON.parse(line);
      lines.push(message);
      if (parseListeningLine(line) !== undefined) resolve();
    });
    child.once('exit', (code) => reject(new Error(`runtime exited (${code}): ${stderr.join('\n')}`)));
  });
  const listening = lines.at(-1)!;
  return {
    lines,
    address: `http://127.0.0.1:${listening.port}`,
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))),
  };
}

describe('runtime warm-up', () => {
  it('synthesizes zeros that fit the signature: batch 1 in dynamic dimensions, empty strings for BYTES', () => {
    const feeds = zeroFeeds({
      inputs: [
        { name: 'x', dtype: 'float32', shape: [null, 4] },
        { name: 'ids', dtype: 'int64', shape: [2, null] },
        { name: 'text', dtype: 'string', shape: [null] },
      ],
      outputs: [],
    });
    expect(feeds.x).toEqual({ dtype: 'float32', shape: [1, 4], data: new Float32Array(4) });
    expect(feeds.ids).toEqual({ dtype: 'int64', shape: [2, 1], data: new BigInt64Array(2) });
    expect(feeds.text).toEqual({ dtype: 'string', shape: [1], data: [''] });
  });

  it.each([
    ['iris', 'main', () => trainIrisClassifier({ seed: 1 }).model],
    ['echo', 'worker', buildAllTypesEcho],
  ])('runs %s once before listening and logs the cold-start timings (%s thread)', async (name, thread, build) => {
    const runtime = await startLogged(modelFile(name, build()), name, { SLIPWAY_INFERENCE_THREAD: thread });
    try {
      const messages = runtime.lines.map((l) => l.msg);
      expect(messages.indexOf('warmed')).toBeGreaterThanOrEqual(0);
      expect(messages.indexOf('warmed')).toBeLessThan(messages.indexOf('listening'));
      const warmed = runtime.lines.find((l) => l.msg === 'warmed')!;
      for (const field of ['bootMs', 'loadMs', 'warmupMs']) {
        expect(typeof warmed[field]).toBe('number');
        expect(warmed[field]).toBeGreaterThanOrEqual(0);
      }
      expect((await fetch(`${runtime.address}/v2/health/ready`)).status).toBe(200);
    } finally {
      await runtime.stop();
    }
  });

  it('logs a warm-up that fails and serves anyway', async () => {
    const runtime = await startLogged(modelFile('broken', buildFailingModel()), 'broken');
    try {
      const failed = runtime.lines.find((l) => l.msg === 'warm-up failed');
      expect(failed).toMatchObject({ loadMs: expect.any(Number), warmupMs: expect.any(Number), reason: expect.stringMatching(/Reshape/) });
      expect(runtime.lines.some((l) => l.msg === 'warmed')).toBe(false);
      expect((await fetch(`${runtime.address}/v2/health/ready`)).status).toBe(200);
      expect((await post(runtime.address, '/predict', { inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } })).status).toBe(500);
    } finally {
      await runtime.stop();
    }
  });
});
