import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { processEnv, type PlatformEnv } from './platform';

export interface RunningPlatform {
  webUrl: string;
  gatewayUrl: string;
  /** Process ids, for benchmarks that watch memory and CPU. */
  pids: { web: number; gateway: number; worker: number };
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

function startProcess(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; quiet?: boolean }): ChildProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (!options.quiet) console.log(`[${name}] ${line}`);
    });
  }
  return child;
}

async function waitForHttp(url: string, child: ChildProcess, name: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${name} did not answer at ${url} within ${timeoutMs / 1000} s`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts gateway, worker and web (the built Next.js app) as child processes. */
export async function launchPlatform(
  env: PlatformEnv,
  options: { webPort: number; gatewayPort: number; host?: string; quiet?: boolean },
): Promise<RunningPlatform> {
  const host = options.host ?? '127.0.0.1';
  const gatewayUrl = `http://${host}:${options.gatewayPort}`;
  const webUrl = `http://${host}:${options.webPort}`;
  const childEnv = processEnv(env, gatewayUrl);
  const tsxApp = (app: string) => ['--import', 'tsx', path.join(env.root, 'apps', app, 'src', 'main.ts')];
  const children: ChildProcess[] = [];
  const stop = async () => void (await Promise.all(children.map(stopProcess)));
  let pids: RunningPlatform['pids'];
  try {
    const gateway = startProcess('gateway', process.execPath, tsxApp('gateway'), {
      cwd: env.root,
      env: { ...childEnv, PORT: String(options.gatewayPort), HOST: host },
      quiet: options.quiet,
    });
    children.push(gateway);
    const worker = startProcess('worker', process.execPath, tsxApp('worker'), { cwd: env.root, env: childEnv, quiet: options.quiet });
    children.push(worker);
    const web = startProcess(
      'web',
      path.join(env.root, 'node_modules', '.bin', 'next'),
      ['start', '-p', String(options.webPort), '-H', host],
      { cwd: path.join(env.root, 'apps', 'web'), env: childEnv, quiet: options.quiet },
    );
    children.push(web);
    await waitForHttp(`${gatewayUrl}/healthz`, gateway, 'gateway');
    await waitForHttp(`${webUrl}/login`, web, 'web');
    pids = { web: web.pid!, gateway: gateway.pid!, worker: worker.pid! };
  } catch (error) {
    await stop();
    throw error;
  }
  return { webUrl, gatewayUrl, pids, stop };
}
