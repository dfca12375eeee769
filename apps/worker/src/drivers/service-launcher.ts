import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { redactSecrets, type ServiceLaunch, serviceProcessEnv } from '@slipway/core';
import { DriverError, ReadyTimeoutError } from './driver';

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

/** Host variables user code may see (locale, time zone, math libraries' thread counts): never the platform's. */
const PASSED_ENV = ['LANG', 'LC_ALL', 'TZ', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'];

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

/** The argv, environment and cwd that start the service, under bubblewrap when given. */
export function serviceCommand(start: Omit<ServiceStart, 'onLine'>, port: number, scratchDir: string) {
  const sandboxed = start.bwrap !== undefined;
  const home = sandboxed ? INSIDE.scratch : scratchDir;
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, TMPDIR: home, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };
  for (const name of PASSED_ENV) if (start.hostEnv[name] !== undefined) env[name] = start.hostEnv[name]!;
  Object.assign(env, serviceProcessEnv(start.launch, port));
  if (!sandboxed) return { command: start.launch.command[0]!, args: start.launch.command.slice(1), env: { ...env, ...start.markers }, cwd: start.appDir };
  const args = [
    ...['--unshare-all', '--share-net', '--die-with-parent', '--new-session', '--clearenv'],
    ...Object.entries(env).flatMap(([name, value]) => ['--setenv', name, value]),
    ...['/usr', '/bin', '/lib', '/lib64', '/etc/alternatives', '/etc/ld.so.cache', '/etc/localtime', '/etc/ssl', '/etc/hosts', '/etc/resolv.conf']
      .filter((dir) => existsSync(dir))
      .flatMap((dir) => (lstatSync(dir).isSymbolicLink() ? ['--symlink', readlinkSync(dir), dir] : ['--ro-bind', dir, dir])),
    ...['--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp'],
    ...['--ro-bind', start.appDir, INSIDE.app, '--bind', scratchDir, INSIDE.scratch, '--chdir', INSIDE.app, '--'],
    ...start.launch.command,
  ];
  // The markers stay on bubblewrap (the group leader the driver finds in /proc); --clearenv keeps them from the service.
  return { command: start.bwrap!, args, env: { ...env, ...start.markers }, cwd: start.appDir };
}

/** Starts the service's process; resolves once it is spawned (readiness is waitServiceReady's). */
export async function launchService(start: ServiceStart): Promise<ServiceProcess> {
  const port = await freePort(start.bindHost);
  const scratchDir = await mkdtemp(path.join(tmpdir(), 'slipway-service-'));
  const { command, args, env, cwd } = serviceCommand(start, port, scratchDir);
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const service = new ServiceProcess(child, port, start.launch, scratchDir);
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream]! }).on('line', (raw) => {
      const line = redactSecrets(raw, start.launch.secrets);
      service.tail.push(line);
      if (service.tail.length > TAIL_LINES) service.tail.shift();
      start.onLine?.(line, stream);
    });
  }
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

/** The bubblewrap binary the sandbox setting asks for: `auto` uses it when installed, `on` requires it. */
export function resolveBwrap(setting: 'auto' | 'on' | 'off', candidates: readonly string[] = ['/usr/bin/bwrap', '/usr/local/bin/bwrap']): string | undefined {
  if (setting === 'off') return undefined;
  const found = candidates.find((candidate) => existsSync(candidate));
  if (setting === 'on' && found === undefined) throw new Error('SLIPWAY_SANDBOX=on but bubblewrap (bwrap) is not installed');
  return found;
}
