import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';

/** Runs a command to completion, inheriting output; throws with the command line on failure. */
export function run(command: string, args: string[], options: SpawnOptions = {}): void {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
}

/** Runs a command and returns its stdout, or null when it fails or is missing. */
export function capture(command: string, args: string[], options: SpawnOptions = {}): string | null {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  return result.status === 0 ? String(result.stdout) : null;
}

export function runAsync(command: string, args: string[], options: SpawnOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export const isRoot = () => process.getuid?.() === 0;
