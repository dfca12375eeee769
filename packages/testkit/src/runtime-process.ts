import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RUNTIME_ENTRY = fileURLToPath(new URL('../../../apps/runtime/src/main.ts', import.meta.url));

export interface RunningRuntime {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A real runtime replica as the local driver starts it: a child process serving one model. */
export async function startRuntime(options: { modelPath: string; name: string; version?: string; env?: Record<string, string> }): Promise<RunningRuntime> {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNTIME_ENTRY], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: '0',
      SLIPWAY_MODEL_PATH: options.modelPath,
      SLIPWAY_MODEL_NAME: options.name,
      SLIPWAY_MODEL_VERSION: options.version ?? '1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const message = JSON.parse(line);
        if (message.msg === 'listening') resolve(message.port);
      } catch {
        // a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`runtime exited (${code}): ${stderr.join('\n')}`)));
  });
  return {
    address: `http://127.0.0.1:${port}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
