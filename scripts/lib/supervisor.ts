import type { ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';

export interface SuperviseOptions {
  /** Delay before the first restart; doubles on each consecutive quick crash. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A child that stayed up this long counts as healthy: the next restart waits initialBackoffMs again. */
  resetBackoffAfterMs?: number;
  /** Grace between SIGTERM and SIGKILL in stop(). */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * A child process that is restarted whenever it exits without stop() having been called.
 * Events: 'exit' (description: string) before any restart is scheduled, 'restart' (pid: number).
 */
export class SupervisedProcess extends EventEmitter {
  private current!: ChildProcess;
  private startedAt = 0;
  private backoffMs: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private restartCount = 0;
  private readonly options: Required<SuperviseOptions>;

  constructor(
    readonly name: string,
    private readonly spawnChild: () => ChildProcess,
    options: SuperviseOptions = {},
  ) {
    super();
    this.options = {
      initialBackoffMs: 250,
      maxBackoffMs: 10_000,
      resetBackoffAfterMs: 30_000,
      stopTimeoutMs: 10_000,
      log: console.log,
      ...options,
    };
    this.backoffMs = this.options.initialBackoffMs;
    this.spawn();
  }

  /** The current child; replaced on every restart. */
  get child(): ChildProcess {
    return this.current;
  }

  /** Pid of the current child (undefined if it could not be spawned). */
  get pid(): number | undefined {
    return this.current.pid;
  }

  get restarts(): number {
    return this.restartCount;
  }

  /** Resolves with the new pid once the next restart has happened. */
  async nextRestart(): Promise<number> {
    const [pid] = await once(this, 'restart');
    return pid;
  }

  /** SIGTERM, then SIGKILL after stopTimeoutMs; the child is not restarted afterwards. */
  stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.current;
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const killTimer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs);
      child.once('exit', () => {
        clearTimeout(killTimer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  private spawn(): void {
    const child = this.spawnChild();
    this.current = child;
    this.startedAt = Date.now();
    let exited = false;
    const onExit = (description: string) => {
      if (exited) return;
      exited = true;
      this.handleExit(description);
    };
    child.once('exit', (code, signal) => onExit(signal ? `signal ${signal}` : `code ${code}`));
    // A failed spawn (e.g. ENOENT) emits 'error' and never 'exit'; other errors (a failed kill) are not exits.
    child.on('error', (error) => {
      if (child.pid === undefined) onExit(`failed to spawn: ${error.message}`);
    });
  }

  private handleExit(description: string): void {
    // Emitted first so that a listener can call stop() synchronously and prevent the restart.
    this.emit('exit', description);
    if (this.stopping) return;
    if (Date.now() - this.startedAt >= this.options.resetBackoffAfterMs) this.backoffMs = this.options.initialBackoffMs;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(delay * 2, this.options.maxBackoffMs);
    this.options.log(`[supervisor] ${this.name} exited (${description}); restarting in ${delay} ms (restart ${this.restartCount + 1})`);
    this.restartTimer = setTimeout(() => {
      this.restartCount++;
      this.spawn();
      this.options.log(`[supervisor] ${this.name} restarted (pid ${this.pid})`);
      this.emit('restart', this.pid);
    }, delay);
  }
}

export function supervise(name: string, spawnChild: () => ChildProcess, options?: SuperviseOptions): SupervisedProcess {
  return new SupervisedProcess(name, spawnChild, options);
}
