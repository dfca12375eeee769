import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redactSecrets, type ServiceLaunch, serviceProcessEnv } from '@slipway/core';
import { sandboxCommand } from '@slipway/environments';
import { DriverError, ReadyTimeoutError } from './driver';
import { captureReplicaOutput } from './replica-output';

/*
 * A service replica on this host: the user's own process, started directly (no runtime in between) in its own
 * process group, with an allowlisted environment (never the worker's database URL, Redis URL, storage keys or
 * internal token) plus PORT, its declared env and secrets; its working directory and HOME a private scratch
 * directory, its artifact read-only under bubblewrap where installed (see sandboxCommand).
 */

/** Lines of a service's output kept for its failure messages (the last ones say why it did not come up). */
const TAIL_LINES = 20;
const PROBE_INTERVAL_MS = 100;
const PROBE_TIMEOUT_MS = 1_000;

/** Where the user code sees its artifact and its scratch directory under bubblewrap. */
const INSIDE = { app: '/app', scratch: '/scratch' } as const;

export interface ServiceStart {
  launch: ServiceLaunch;
  /** The unpacked artifact: the command runs from here. */
  appDir: string;
  bindHost: string;
  /** Variables only the group leader carries (replica id, owner), by which the driver recognises its processes. */
  markers: Record<string, string>;
  /** The bubblewrap binary, or undefined to run without a sandbox. */
  bwrap: string | undefined;
  hostEnv: NodeJS.ProcessEnv;
  /** The replica whose output this is, and where its bounded log is kept (replicaLogDir; null: nowhere). */
  replicaId: string;
  logDir: string | null;
  onLogError?: (error: Error) => void;
  /** Each line the service prints (stdout and stderr), secrets redacted. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** A running service process: its port, the last lines it printed, and whether (how) it has exited. */
export class ServiceProcess {
  readonly tail: string[] = [];
  exit: { code: number | null; signal: string | null } | null = null;

  constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly launch: ServiceLaunch,
    private readonly scratchDir: string,
  ) {
    child.once('exit', (code, signal) => {
      this.exit = { code, signal };
      void rm(scratchDir, { recursive: true, force: true }).catch(() => undefined);
    });
  }

  /** The last lines, for a failure message: "last output: a | b | c". */
  lastOutput(lines = 5): string {
    const last = this.tail.slice(-lines);
    return last.length > 0 ? `last output: ${last.join(' | ')}` : 'it printed nothing';
  }

  get scratch(): string {
    return this.scratchDir;
  }
}

/** A free TCP port on `host` for the service's $PORT (the kernel picks; the service binds it right after). */
export async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The argv, environment and cwd that start the service through the shared sandbox (bubblewrap when given): its
 * artifact read-only at /app and its command run from there, a private writable scratch directory as HOME and TMPDIR.
 */
export function serviceCommand(start: Omit<ServiceStart, 'onLine'>, port: number, scratchDir: string) {
  const command = sandboxCommand({
    bwrap: start.bwrap,
    mounts: { app: { host: start.appDir, inside: INSIDE.app }, scratch: { host: scratchDir, inside: INSIDE.scratch, writable: true } },
    workDir: 'scratch',
    // The command names files relative to the artifact (python3 app.py): run it from there; exec leaves no shell behind.
    argv: (paths) => ['/bin/sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', paths.app, ...start.launch.command],
    env: serviceProcessEnv(start.launch, port),
    hostEnv: start.hostEnv,
  });
  // The markers go to the process the driver spawns (bubblewrap, when sandboxed: --clearenv keeps them from the service).
  return { command: command.command, args: command.args, env: { ...command.env, ...start.markers }, cwd: command.cwd };
}

/** Starts the service's process; resolves once it is spawned (readiness is waitServiceReady's). */
export async function launchService(start: ServiceStart): Promise<ServiceProcess> {
  const port = await freePort(start.bindHost);
  const scratchDir = await mkdtemp(path.join(tmpdir(), 'slipway-service-'));
  const { command, args, env, cwd } = serviceCommand(start, port, scratchDir);
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const service = new ServiceProcess(child, port, start.launch, scratchDir);
  // The one log pipeline every replica's output goes through (bounded file per replica), secrets shown by name.
  captureReplicaOutput(child, start.replicaId, {
    dir: start.logDir,
    redactFirst: (raw) => redactSecrets(raw, start.launch.secrets),
    onLine: (stream, line) => {
      service.tail.push(line);
      if (service.tail.length > TAIL_LINES) service.tail.shift();
      start.onLine?.(line, stream);
    },
    onError: start.onLogError,
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new DriverError(`the service's command '${start.launch.command[0]}' could not start: ${error.message}`)));
  });
  return service;
}

/**
 * Resolves once GET `address + healthPath` answers 200; fails at once when the process exits, and with a
 * ReadyTimeoutError after `timeoutMs`, each with the service's last output (why it did not come up).
 */
export async function waitServiceReady(address: string, service: ServiceProcess | undefined, healthPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastStatus = 'no answer';
  while (Date.now() < deadline) {
    if (service?.exit) {
      const { code, signal } = service.exit;
      throw new ReadyTimeoutError(
        `the service exited (${signal ? `signal ${signal}` : `code ${code}`}) before its health check passed; ${service.lastOutput()}`,
      );
    }
    try {
      const response = await fetch(`${address}${healthPath}`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      await response.body?.cancel();
      if (response.status === 200) return;
      lastStatus = `HTTP ${response.status}`;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
  }
  const output = service ? `; ${service.lastOutput()}` : '';
  throw new ReadyTimeoutError(`the service did not answer GET ${healthPath} with 200 within ${Math.round(timeoutMs / 1000)} s (${lastStatus})${output}`);
}
