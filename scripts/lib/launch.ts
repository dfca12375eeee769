import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { bundlePath } from './app-build';
import { OWNER_ENV } from '../../apps/worker/src/drivers/local-driver';
import { processEnv, type PlatformEnv } from './platform';
import { listProcesses, markedProcesses, stopMarked } from './process-sweep';
import { supervise, type SupervisedProcess } from './supervisor';

export type ProcessName = 'web' | 'gateway' | 'worker';

export interface RunningPlatform {
  webUrl: string;
  gatewayUrl: string;
  /** Current process ids (they change when a process is restarted), for benchmarks that watch memory and CPU. */
  readonly pids: Readonly<Record<ProcessName, number>>;
  /** The supervised processes, e.g. for a test that kills one and awaits `nextRestart()`. */
  processes: Record<ProcessName, SupervisedProcess>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts one process with its output prefixed by `name` (or swallowed when quiet); `lines` sees every line. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; quiet?: boolean; lines?: (line: string) => void },
): ChildProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      options.lines?.(line);
      if (!options.quiet) console.log(`[${name}] ${line}`);
    });
  }
  return child;
}

/** How to run one app of the platform: gateway and worker from their bundles (buildApps), web from its Next.js build (server.mjs). */
export function appCommand(
  env: PlatformEnv,
  app: ProcessName,
  options: { gatewayUrl: string; port?: number; host?: string; extraEnv?: NodeJS.ProcessEnv },
): { command: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv } {
  const host = options.host ?? '127.0.0.1';
  const childEnv = { ...processEnv(env, options.gatewayUrl), ...options.extraEnv };
  // The web's server.mjs: Next.js behind a node:http server that owns the client address.
  if (app === 'web') {
    const cwd = path.join(env.root, 'apps', 'web');
    return { command: process.execPath, args: [path.join(cwd, 'server.mjs')], cwd, env: { ...childEnv, PORT: String(options.port), HOST: host } };
  }
  const compiledApp = [bundlePath(env.root, { app, out: 'main.js' })];
  if (app === 'gateway') return { command: process.execPath, args: compiledApp, cwd: env.root, env: { ...childEnv, PORT: String(options.port), HOST: host } };
  return { command: process.execPath, args: compiledApp, cwd: env.root, env: childEnv };
}

/** Polls until `url` answers; `signal` aborts the wait (with its reason) when a process died while starting. */
export async function waitForHttp(url: string, name: string, signal: AbortSignal, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    try {
      await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${name} did not answer at ${url} within ${timeoutMs / 1000} s`);
}

/**
 * Stops the replicas the platform's workers started, once the workers are gone. A worker stops its own
 * on SIGTERM, but not those it adopted from an earlier worker process (one restarted after a crash),
 * nor any when it is SIGKILLed after the supervisor's grace: they lead their own process groups.
 */
export async function stopReplicas(owner: string): Promise<void> {
  await stopMarked(markedProcesses(listProcesses(), OWNER_ENV, owner), OWNER_ENV, owner);
}

/** Starts gateway, worker and web (the built Next.js app) as child processes; stop() ends them and their replicas. */
export async function launchPlatform(
  env: PlatformEnv,
  options: { webPort: number; gatewayPort: number; host?: string; quiet?: boolean },
): Promise<RunningPlatform> {
  const host = options.host ?? '127.0.0.1';
  const gatewayUrl = `http://${host}:${options.gatewayPort}`;
  const webUrl = `http://${host}:${options.webPort}`;
  const processes: Partial<RunningPlatform['processes']> = {};
  const stop = async () => {
    await Promise.all(Object.values(processes).map((supervised) => supervised.stop()));
    await stopReplicas(env.prefix);
  };
  let starting = true;
  const startupFailed = new AbortController();
  const startSupervised = (name: ProcessName, port?: number) => {
    const { command, args, cwd, env: envVars } = appCommand(env, name, { gatewayUrl, port, host });
    const supervised = supervise(name, () => startProcess(name, command, args, { cwd, env: envVars, quiet: options.quiet }));
    // Stopping synchronously inside the 'exit' listener keeps the supervisor from restarting a process that never came up.
    supervised.on('exit', (description: string) => {
      if (!starting) return;
      starting = false;
      void stop();
      startupFailed.abort(new Error(`${name} exited (${description}) while starting`));
    });
    processes[name] = supervised;
  };
  try {
    startSupervised('gateway', options.gatewayPort);
    startSupervised('worker');
    startSupervised('web', options.webPort);
    await waitForHttp(`${gatewayUrl}/healthz`, 'gateway', startupFailed.signal);
    await waitForHttp(`${webUrl}/login`, 'web', startupFailed.signal);
    starting = false;
  } catch (error) {
    starting = false;
    await stop();
    throw error;
  }
  const all = processes as RunningPlatform['processes'];
  const pids = {
    get web() {
      return all.web.pid!;
    },
    get gateway() {
      return all.gateway.pid!;
    },
    get worker() {
      return all.worker.pid!;
    },
  };
  return { webUrl, gatewayUrl, pids, processes: all, stop };
}
