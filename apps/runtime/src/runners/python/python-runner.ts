import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { PYTHON_RUNNER_DIR } from '@slipway/environments';
import { formatShape, type ModelSignature, type TensorSpec } from '@slipway/core';
import type { Feeds, Log, ModelRunner, OutputTensor, Outputs } from '../../runner';
import { type PythonCommand, pythonCommand } from './sandbox';
import { encodeFrame, type Frame, FrameReader, type WireReply, type WireRequest } from './wire';

/** What OIP model metadata reports for a Python model. */
export const PYTHON_PLATFORM = 'slipway_python';

/** The directory holding `slipway_runner.py` (packages/environments/python). */
export const RUNNER_DIR = PYTHON_RUNNER_DIR;

export interface PythonLoadOptions {
  python: string;
  modelDir: string;
  /** `module:Class`, importable from the model directory. */
  predictor: string;
  /** The declared signature: inputs are validated against it before `predict`, outputs after. */
  signature: ModelSignature;
  /** The bubblewrap binary, or undefined to run without a sandbox. */
  bwrap: string | undefined;
  /** How long one `predict` may take before the process is killed (a stuck predictor never answers again). */
  predictTimeoutMs: number;
  log: Log;
  /** Called when the Python process dies after loading, or was killed for being stuck (the replica is then of no use). */
  onDeath(reason: string): void;
  hostEnv?: NodeJS.ProcessEnv;
}

type Waiter = { resolve(outputs: Outputs): void; reject(error: Error): void; rows: number | undefined; timer: NodeJS.Timeout };

/** The batch's row count: the first dimension its inputs share. */
function batchRows(feeds: Feeds): number | undefined {
  return Object.values(feeds)[0]?.shape[0];
}

/** A model served by the user's predictor in one Python process, batches crossing a pipe as raw tensors. */
export class PythonRunner implements ModelRunner {
  readonly platform = PYTHON_PLATFORM;
  private nextId = 0;
  private readonly pending = new Map<number, Waiter>();
  private closing = false;
  /** Why the process was killed, when the runner killed it. */
  private killedBecause: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly requests: Writable,
    private readonly scratchDir: string,
    readonly signature: ModelSignature,
    private readonly predictTimeoutMs: number,
  ) {}

  static async load(options: PythonLoadOptions): Promise<PythonRunner> {
    const scratchDir = mkdtempSync(path.join(tmpdir(), 'slipway-python-'));
    const command = pythonCommand({ ...options, runnerDir: RUNNER_DIR, scratchDir, hostEnv: options.hostEnv ?? process.env });
    const { child, requests, answers } = startProcess(command, options.log);
    const runner = new PythonRunner(child, requests, scratchDir, options.signature, options.predictTimeoutMs);
    const ready = new Promise<WireReply>((resolve, reject) => {
      runner.onReply = resolve;
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`the Python process exited (${signal ?? code}) while loading the predictor`)));
    });
    const reader = new FrameReader<WireReply>((frame) => runner.onReply(frame.header, frame));
    answers.on('data', (chunk: Buffer) => reader.push(chunk));
    runner.send({
      type: 'load',
      model_dir: command.modelDir,
      predictor: options.predictor,
      outputs: options.signature.outputs.map(({ name, dtype }) => ({ name, dtype })),
    });
    const first = await ready.catch((error: Error) => {
      rmSync(scratchDir, { recursive: true, force: true });
      throw error;
    });
    if (first.type !== 'ready') {
      child.kill('SIGKILL');
      rmSync(scratchDir, { recursive: true, force: true });
      const why = first.type === 'failed' ? describe(first) : `unexpected '${first.type}' answer`;
      throw new Error(`the predictor ${options.predictor} failed to load: ${why}`);
    }
    options.log('python predictor loaded', { python: first.python, predictor: options.predictor, sandboxed: command.sandboxed });
    runner.onReply = (reply, frame) => runner.settle(reply, frame);
    child.once('exit', (code, signal) => runner.died(code, signal, options.onDeath));
    return runner;
  }

  private onReply: (reply: WireReply, frame: Frame<WireReply>) => void = () => {};

  private send(request: Exclude<WireRequest, { type: 'predict' }> | { type: 'predict'; id: number }, feeds: Feeds = {}): void {
    const tensors = Object.entries(feeds).map(([name, value]) => ({ name, ...value }));
    // One writev for the frame's prefix, header and tensors.
    this.requests.cork();
    for (const chunk of encodeFrame(request, tensors)) this.requests.write(chunk);
    this.requests.uncork();
  }

  run(feeds: Feeds): Promise<Outputs> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.reject(new Error('the Python process has exited'));
    const id = this.nextId++;
    return new Promise<Outputs>((resolve, reject) => {
      const timer = setTimeout(() => this.stuck(), this.predictTimeoutMs);
      this.pending.set(id, { resolve, reject, rows: batchRows(feeds), timer });
      this.send({ type: 'predict', id }, feeds);
    });
  }

  /** A predict past its timeout: every waiting caller is answered, and the process killed (its exit reports the death). */
  private stuck(): void {
    this.killedBecause = `predict did not answer within ${this.predictTimeoutMs} ms`;
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`${this.killedBecause}; the replica is being replaced`));
    }
    this.pending.clear();
    this.child.kill('SIGKILL');
  }

  private settle(reply: WireReply, frame: Frame<WireReply>): void {
    if (reply.type !== 'result' && reply.type !== 'error') return;
    const waiter = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (!waiter) return;
    clearTimeout(waiter.timer);
    if (reply.type === 'error') {
      waiter.reject(new Error(describe(reply)));
      return;
    }
    try {
      waiter.resolve(checkedOutputs(this.signature.outputs, frame.tensors, waiter.rows));
    } catch (error) {
      waiter.reject(error as Error);
    }
  }

  private died(code: number | null, signal: string | null, onDeath: PythonLoadOptions['onDeath']): void {
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('the Python process exited'));
    }
    this.pending.clear();
    rmSync(this.scratchDir, { recursive: true, force: true });
    if (this.closing) return;
    // After the callers just rejected have been answered (their answers are written in the promise jobs run first).
    const reason = this.killedBecause ?? `the Python process exited (${signal ?? `code ${code}`})`;
    setImmediate(() => onDeath(reason));
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    // EOF on its requests pipe ends the runner script's loop; a predictor that ignores it is killed.
    this.requests.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Starts the runner script: its stdout and stderr become log lines, the protocol runs on fds 3 and 4. */
function startProcess(command: PythonCommand, log: Log): { child: ChildProcess; requests: Writable; answers: Readable } {
  const child = spawn(command.command, command.args, { env: command.env, cwd: command.cwd, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream]! }).on('line', (line) => log('python', { stream, line }));
  }
  const requests = child.stdio[3] as Writable;
  requests.on('error', () => {}); // A dead process is reported by its exit, not by a write to its pipe.
  return { child, requests, answers: child.stdio[4] as Readable };
}

/** A Python exception as the caller sees it: its type and message (the traceback stays in the replica's log). */
function describe(reply: { error_type: string; message: string }): string {
  return reply.message ? `${reply.error_type}: ${reply.message}` : reply.error_type;
}

/**
 * The predictor's outputs, held to the declared signature: every output, with the declared rank and fixed dimensions,
 * and a dynamic first dimension holding one row per input row (the batcher splits answers along it).
 */
export function checkedOutputs(specs: readonly TensorSpec[], tensors: Frame<unknown>['tensors'], rows: number | undefined): Outputs {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const outputs: Outputs = {};
  for (const spec of specs) {
    const tensor = byName.get(spec.name);
    if (!tensor) throw new Error(`predict returned no output '${spec.name}'`);
    // The runner script casts every output to its declared datatype; anything else is a broken runner, not a model.
    if (tensor.dtype !== spec.dtype) throw new Error(`output '${spec.name}' came back as ${tensor.dtype}, the signature declares ${spec.dtype}`);
    const fits =
      tensor.shape.length === spec.shape.length &&
      spec.shape.every((d, i) => d === tensor.shape[i] || (d === null && (i > 0 || rows === undefined || tensor.shape[0] === rows))) &&
      tensor.data.length === tensor.shape.reduce((a, b) => a * b, 1);
    if (!fits) {
      const given = rows === undefined ? '' : ` for ${rows} input rows`;
      throw new Error(`predict's output '${spec.name}' has shape ${formatShape(tensor.shape)}${given}, the signature declares ${formatShape(spec.shape)}`);
    }
    outputs[spec.name] = { dtype: spec.dtype, shape: tensor.shape, data: tensor.data } satisfies OutputTensor;
  }
  return outputs;
}
