import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { intraOpThreads } from '@slipway/core';
import { DriverError, type PlacedReplica, type ReplicaDriver, type ReplicaSpec } from './driver';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const RUNTIME_ENTRY = fileURLToPath(new URL('../../../runtime/src/main.ts', import.meta.url));
const STOP_GRACE_MS = 5_000;

/** Runs each replica as a runtime child process on this host: the embedded default. */
export class LocalDriver implements ReplicaDriver {
  readonly name = 'local';
  private readonly children = new Map<string, ChildProcess>();

  constructor(private readonly options: { hostGpus: number; bindHost: string; advertiseHost: string; log?: (line: string) => void }) {}

  async start(spec: ReplicaSpec): Promise<PlacedReplica> {
    if (spec.gpuCount > this.options.hostGpus) {
      throw new DriverError(
        `needs ${spec.gpuCount} GPU(s) but this host offers ${this.options.hostGpus} to the local driver; ` +
          'pick a CPU machine type or run Slipway where GPUs are available',
      );
    }
    const child = spawn(process.execPath, ['--import', 'tsx', RUNTIME_ENTRY], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: this.options.bindHost,
        SLIPWAY_MODEL_PATH: spec.modelPath,
        ...(spec.featureNames && { SLIPWAY_FEATURE_NAMES: JSON.stringify(spec.featureNames) }),
        SLIPWAY_MODEL_NAME: spec.deploymentName,
        SLIPWAY_MODEL_VERSION: String(spec.versionLabel),
        SLIPWAY_INTRA_OP_THREADS: String(intraOpThreads(spec.vcpu, availableParallelism())),
        SLIPWAY_EXECUTION_PROVIDER: spec.gpuCount > 0 ? 'cuda' : 'cpu',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.set(spec.replicaId, child);
    child.once('exit', () => this.children.delete(spec.replicaId));
    const stderrTail: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
      this.options.log?.(`[replica ${spec.replicaId.slice(0, 8)}] ${line}`);
    });
    const port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        try {
          const message = JSON.parse(line) as { msg?: string; port?: number };
          if (message.msg === 'listening' && typeof message.port === 'number') resolve(message.port);
        } catch {
          // Non-JSON output is just a log line.
        }
      });
      child.once('exit', (code) =>
        reject(new DriverError(`runtime exited with code ${code} before listening: ${stderrTail.slice(-3).join(' | ') || 'no output'}`)),
      );
      child.once('error', (error) => reject(new DriverError(`runtime could not start: ${error.message}`)));
    });
    return { address: `http://${this.options.advertiseHost}:${port}`, pid: child.pid ?? null };
  }

  async waitReady(replica: PlacedReplica, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${replica.address}/v2/health/ready`, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new DriverError(`replica at ${replica.address} was not ready within ${Math.round(timeoutMs / 1000)} s`);
  }

  async stop(replica: { id: string; pid: number | null }): Promise<void> {
    const child = this.children.get(replica.id);
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      return;
    }
    // A replica started by an earlier worker process: signal it by pid.
    if (replica.pid) {
      try {
        process.kill(replica.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.children.keys()].map((id) => this.stop({ id, pid: null })));
  }
}
