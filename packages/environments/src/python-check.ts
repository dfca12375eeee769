import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { DType, ModelSignature } from '@slipway/core';
import { PYTHON_RUNNER_DIR, PYTHON_RUNNER_SCRIPT } from './runner-script';
import { type Mount, type SandboxCommand, sandboxCommand } from './sandbox';

/** Where the model, the runner script and the scratch directory are mounted inside the sandbox. */
export const RUNNER_SANDBOX_PATHS = { model: '/model', runner: '/runner', scratch: '/scratch' } as const;

export interface RunnerProcessOptions {
  /** The interpreter (Debian's /usr/bin/python3, or a version's environment's bin/python). */
  python: string;
  /** The directory holding the runner script (PYTHON_RUNNER_DIR unless a test says otherwise). */
  runnerDir?: string;
  modelDir: string;
  /** A private writable directory, the process's cwd and HOME. */
  scratchDir: string;
  /** The bubblewrap binary, or undefined to run without a sandbox. */
  bwrap: string | undefined;
  hostEnv: NodeJS.ProcessEnv;
  /** The runner script's arguments (`--check` for a one-off check). */
  args?: readonly string[];
}

export type RunnerCommand = SandboxCommand<Record<keyof typeof RUNNER_SANDBOX_PATHS, Mount>>;

/** The command line that starts the runner script in the sandbox: the model read-only at /model, scratch at /scratch. */
export function runnerCommand(options: RunnerProcessOptions): RunnerCommand {
  return sandboxCommand({
    bwrap: options.bwrap,
    mounts: {
      model: { host: options.modelDir, inside: RUNNER_SANDBOX_PATHS.model },
      runner: { host: options.runnerDir ?? PYTHON_RUNNER_DIR, inside: RUNNER_SANDBOX_PATHS.runner },
      scratch: { host: options.scratchDir, inside: RUNNER_SANDBOX_PATHS.scratch, writable: true },
    },
    workDir: 'scratch',
    hostEnv: options.hostEnv,
    executables: [options.python],
    argv: (paths) => [options.python, '-u', path.join(paths.runner, PYTHON_RUNNER_SCRIPT), ...(options.args ?? [])],
  });
}

/** Inputs as nested-free JSON: flat data, in row-major order. */
export type CheckTensor = { dtype: DType; shape: number[]; data: unknown[] };

export type CheckResult =
  | { ok: true; python: string; outputs: Record<string, { shape: number[]; data: unknown[] }>; log: string[] }
  | { ok: false; stage: 'load' | 'predict' | 'outputs'; errorType: string; message: string; traceback: string; log: string[] };

export interface CheckOptions {
  python: string;
  modelDir: string;
  predictor: string;
  signature: ModelSignature;
  inputs: Record<string, CheckTensor>;
  bwrap: string | undefined;
  timeoutMs: number;
  hostEnv?: NodeJS.ProcessEnv;
}

/**
 * Loads the predictor and runs it once on `inputs`, exactly as a replica will (same script, interpreter and sandbox),
 * its outputs held to the declared signature: a version's inspection. What the predictor prints is in `log`.
 */
export async function checkPredictor(options: CheckOptions): Promise<CheckResult> {
  const scratchDir = await mkdtemp(path.join(tmpdir(), 'slipway-check-'));
  try {
    const command = runnerCommand({ ...options, scratchDir, hostEnv: options.hostEnv ?? process.env, args: ['--check'] });
    const request = {
      model_dir: command.paths.model,
      predictor: options.predictor,
      inputs: options.inputs,
      outputs: options.signature.outputs.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
    };
    return await runCheck(command, JSON.stringify(request), options.timeoutMs);
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}

function runCheck(command: RunnerCommand, request: string, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.command, command.args, { env: command.env, cwd: command.cwd, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    const log: string[] = [];
    const answer: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
    (child.stdio[4] as Readable).on('data', (chunk: Buffer) => answer.push(chunk));
    const requests = child.stdio[3] as Writable;
    requests.on('error', () => {}); // A process that died early is reported by its exit.
    requests.end(request);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const lines = log
        .join('')
        .split('\n')
        .filter((line) => line !== '');
      const text = Buffer.concat(answer).toString('utf8');
      if (text) {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        if (parsed.ok) return resolve({ ok: true, python: parsed.python as string, outputs: parsed.outputs as never, log: lines });
        const { stage, error_type, message, traceback } = parsed as Record<string, string>;
        return resolve({ ok: false, stage: stage as 'load', errorType: error_type!, message: message!, traceback: traceback!, log: lines });
      }
      const why = signal === 'SIGKILL' ? `did not finish within ${timeoutMs} ms` : `exited (${signal ?? `code ${code}`}) without answering`;
      resolve({
        ok: false,
        stage: 'load',
        errorType: 'ProcessExit',
        message: `the predictor's process ${why}`,
        traceback: lines.slice(-10).join('\n'),
        log: lines,
      });
    });
  });
}
