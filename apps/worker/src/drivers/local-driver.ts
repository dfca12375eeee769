import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { framedAddress, intraOpThreads, type ListeningPorts, parseExitingLine, parseListeningLine, runtimeLaunchEnv } from '@slipway/core';
import { runtimeCommand } from '@slipway/core/runtime-command';
import { replicaLogDir } from '@slipway/storage';
import {
  DriverError,
  type PlacedReplica,
  readyPathOf,
  ReadyTimeoutError,
  type ReplicaDriver,
  type ReplicaExitListener,
  type ReplicaRef,
  type ReplicaSpec,
} from './driver';
import { captureReplicaOutput } from './replica-output';
import { launchService, type ServiceProcess, waitServiceReady } from './service-launcher';

const STOP_GRACE_MS = 5_000;
const EXIT_POLL_MS = 50;
const REPLICA_ID_ENV = 'SLIPWAY_REPLICA_ID';
/** Which platform (key prefix) a replica belongs to, so one platform never touches another's replicas. */
export const OWNER_ENV = 'SLIPWAY_REPLICA_OWNER';

/**
 * Runs each replica as a runtime child process on this host: the embedded default. Each replica leads its
 * own process group, so it outlives a killed worker and a restarted worker can still stop it by id and pid.
 */
export class LocalDriver implements ReplicaDriver {
  readonly name = 'local';
  /** Own replicas that have not exited. */
  private readonly children = new Map<string, ChildProcess>();
  private readonly stopping = new Map<string, Promise<void>>();
  private readonly exitListeners: ReplicaExitListener[] = [];
  /** Own service replicas by address: their output and exit for readiness failures, their drain time for stops. */
  private readonly services = new Map<string, ServiceProcess>();
  private readonly drainMs = new Map<string, number>();

  constructor(
    private readonly options: {
      hostGpus: number;
      bindHost: string;
      advertiseHost: string;
      owner: string;
      /** Where each replica's output is kept (`<dataDir>/replica-logs`); without it, stderr only reaches `log`. */
      dataDir?: string;
      log?: (line: string) => void;
      /** bubblewrap for user code (services), or undefined to run it without a sandbox. */
      bwrap?: string;
    },
  ) {}

  async start(spec: ReplicaSpec): Promise<PlacedReplica> {
    if (spec.gpuCount > this.options.hostGpus) {
      throw new DriverError(
        `needs ${spec.gpuCount} GPU(s) but this host offers ${this.options.hostGpus} to the local driver; ` +
          'pick a CPU machine type or run Slipway where GPUs are available',
      );
    }
    if (spec.service) return this.startService(spec, spec.service);
    // Compiled when this worker runs compiled (npm start, the image), from source under tsx or vitest.
    const { command, args, cwd } = runtimeCommand();
    const python = spec.python && { ...spec.python, ...(await spec.python.localPrepare()) };
    const child = spawn(command, args, {
      cwd,
      // Only what a replica needs: never the worker's database URL, storage keys or internal token.
      env: runtimeLaunchEnv(
        {
          port: 0,
          host: this.options.bindHost,
          modelPath: python ? python.modelDir : await spec.localModelPath(),
          modelName: spec.deploymentName,
          modelVersion: String(spec.versionLabel),
          token: spec.token,
          variantId: spec.variantId,
          featureNames: spec.featureNames,
          intraOpThreads: intraOpThreads(spec.vcpu, availableParallelism()),
          executionProvider: spec.gpuCount > 0 ? 'cuda' : 'cpu',
          ...(python && {
            python: {
              predictor: python.predictor,
              signature: python.signature,
              interpreter: python.interpreter,
              predictTimeoutMs: python.predictTimeoutMs,
              concurrency: python.concurrency,
            },
          }),
        },
        process.env,
        { [REPLICA_ID_ENV]: spec.replicaId, [OWNER_ENV]: this.options.owner },
      ),
      detached: true,
      // Pipes rather than a log file: captured into the replica's bounded log; the runtime ignores EPIPE once the worker is gone.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.set(spec.replicaId, child);
    let placed = false;
    // What the replica said when it chose to exit (its Python predictor stuck past its timeout…), for the event.
    let exitReason: string | undefined;
    child.once('exit', (code, signal) => {
      this.children.delete(spec.replicaId);
      if (!placed || this.stopping.has(spec.replicaId)) return;
      for (const listener of this.exitListeners) listener(spec.replicaId, { code, signal, ...(exitReason && { reason: exitReason }) });
    });
    const stderrTail: string[] = [];
    let listened: (ports: ListeningPorts) => void = () => {};
    const listening = new Promise<ListeningPorts>((resolve) => {
      listened = resolve;
    });
    captureReplicaOutput(child, spec.replicaId, {
      dir: this.options.dataDir === undefined ? null : replicaLogDir(this.options.dataDir),
      secrets: [spec.token],
      onLine: (stream, line) => {
        if (stream === 'stdout') {
          const ports = parseListeningLine(line);
          if (ports !== undefined) listened(ports);
          exitReason = parseExitingLine(line) ?? exitReason;
          return;
        }
        stderrTail.push(line);
        if (stderrTail.length > 20) stderrTail.shift();
        this.options.log?.(`[replica ${spec.replicaId.slice(0, 8)}] ${line}`);
      },
      onError: (error) => this.options.log?.(`[replica ${spec.replicaId.slice(0, 8)}] its log could not be written: ${error.message}`),
    });
    const { port, framedPort } = await new Promise<ListeningPorts>((resolve, reject) => {
      void listening.then(resolve);
      child.once('exit', (code) =>
        reject(new DriverError(`runtime exited with code ${code} before listening: ${stderrTail.slice(-3).join(' | ') || 'no output'}`)),
      );
      child.once('error', (error) => reject(new DriverError(`runtime could not start: ${error.message}`)));
    });
    placed = true;
    return {
      address: `http://${this.options.advertiseHost}:${port}`,
      ...(framedPort !== undefined && { framedAddress: framedAddress(this.options.advertiseHost, framedPort) }),
      pid: child.pid ?? null,
    };
  }

  async waitReady(replica: PlacedReplica, timeoutMs: number): Promise<void> {
    if (replica.readyPath !== undefined) return waitServiceReady(replica.address, this.services.get(replica.address), replica.readyPath, timeoutMs);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${replica.address}${readyPathOf(replica)}`, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new ReadyTimeoutError(`replica at ${replica.address} was not ready within ${Math.round(timeoutMs / 1000)} s`);
  }

  stop(replica: ReplicaRef): Promise<void> {
    let stopping = this.stopping.get(replica.id);
    if (!stopping) {
      stopping = this.terminate(replica).finally(() => this.stopping.delete(replica.id));
      this.stopping.set(replica.id, stopping);
    }
    return stopping;
  }

  isAlive({ id, pid }: ReplicaRef): boolean {
    return this.children.has(id) || (pid !== null && carriesReplicaId(pid, id));
  }

  /** Replica processes of this owner on this host, whichever worker process started them (Linux: from /proc). */
  running(): ReplicaRef[] {
    if (process.platform !== 'linux') return [...this.children].map(([id, child]) => ({ id, pid: child.pid ?? null }));
    const found: ReplicaRef[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const env = environOf(Number(entry));
      const id = env?.get(REPLICA_ID_ENV);
      if (id && env!.get(OWNER_ENV) === this.options.owner) found.push({ id, pid: Number(entry) });
    }
    return found;
  }

  onExit(listener: ReplicaExitListener): void {
    this.exitListeners.push(listener);
  }

  async close(): Promise<void> {
    await Promise.all([...this.children].map(([id, child]) => this.stop({ id, pid: child.pid ?? null })));
  }

  /** The user's process is the replica: started directly (no runtime hop), its exit reported like a runtime's. */
  private async startService(spec: ReplicaSpec, launch: NonNullable<ReplicaSpec['service']>): Promise<PlacedReplica> {
    const service = await launchService({
      launch,
      appDir: await launch.localArtifactDir(),
      bindHost: this.options.bindHost,
      markers: { [REPLICA_ID_ENV]: spec.replicaId, [OWNER_ENV]: this.options.owner, ...testRunMarker() },
      bwrap: this.options.bwrap,
      hostEnv: process.env,
      replicaId: spec.replicaId,
      logDir: this.options.dataDir === undefined ? null : replicaLogDir(this.options.dataDir),
      onLogError: (error) => this.options.log?.(`[replica ${spec.replicaId.slice(0, 8)}] its log could not be written: ${error.message}`),
      onLine: (line) => this.options.log?.(`[replica ${spec.replicaId.slice(0, 8)}] ${line}`),
    });
    const address = `http://${this.options.advertiseHost}:${service.port}`;
    this.children.set(spec.replicaId, service.child);
    this.services.set(address, service);
    this.drainMs.set(spec.replicaId, launch.drainMs);
    service.child.once('exit', (code, signal) => {
      this.children.delete(spec.replicaId);
      this.services.delete(address);
      this.drainMs.delete(spec.replicaId);
      if (this.stopping.has(spec.replicaId)) return;
      for (const listener of this.exitListeners) listener(spec.replicaId, { code, signal });
    });
    return { address, pid: service.child.pid ?? null, readyPath: launch.healthPath };
  }

  /** SIGTERM lets the replica drain in-flight requests; SIGKILL after the grace period (a service's drainSeconds). */
  private async terminate({ id, pid }: ReplicaRef): Promise<void> {
    const child = this.children.get(id);
    if (child?.pid) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      signalGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), this.drainMs.get(id) ?? STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      return;
    }
    // Started by an earlier worker process: not our child, so no exit event; poll its identity instead.
    if (pid === null || !carriesReplicaId(pid, id)) return;
    signalGroup(pid, 'SIGTERM');
    if (await goneWithin(pid, id, STOP_GRACE_MS)) return;
    signalGroup(pid, 'SIGKILL');
    await goneWithin(pid, id, STOP_GRACE_MS);
  }
}

/** The test run's marker (SLIPWAY_TEST_RUN), so a run finds and stops service processes it leaves, like runtimes. */
function testRunMarker(): Record<string, string> {
  const run = process.env.SLIPWAY_TEST_RUN;
  return run === undefined ? {} : { SLIPWAY_TEST_RUN: run };
}

function environOf(pid: number): Map<string, string> | null {
  try {
    const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    return new Map(entries.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  } catch {
    return null;
  }
}

/**
 * Whether `pid` is still the replica's process. On Linux its environment must carry the replica id,
 * so a pid reused by an unrelated process (or a zombie, whose environ reads empty) never matches.
 */
function carriesReplicaId(pid: number, id: string): boolean {
  try {
    if (process.platform !== 'linux') return process.kill(pid, 0); // No /proc: existence is the best we can check.
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${REPLICA_ID_ENV}=${id}`);
  } catch {
    return false; // Gone, or another user's process.
  }
}

async function goneWithin(pid: number, id: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (carriesReplicaId(pid, id)) {
    if (Date.now() >= deadline) return false;
    await sleep(EXIT_POLL_MS);
  }
  return true;
}

/** The replica leads its own process group (spawned detached), so this reaches anything it spawned too. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
