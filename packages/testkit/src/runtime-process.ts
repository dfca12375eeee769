import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { framedAddress, type ListeningPorts, parseListeningLine, REPLICA_TOKEN_HEADER, type RuntimeLaunch, runtimeLaunchEnv } from '@slipway/core';
import { runtimeCommand } from '@slipway/core/runtime-command';

export interface RunningRuntime {
  address: string;
  /** The framed transport's address (`tcp://host:port`), which gateways prefer. */
  framedAddress?: string;
  /** The replica's secret, when started with one: what the gateway sends. */
  token?: string;
  /** Headers a direct caller needs: the token header when there is a token. */
  headers: Record<string, string>;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A real runtime replica as the local driver starts it: a child process serving one model, with the same launch contract. */
export async function startRuntime(options: {
  modelPath: string;
  name: string;
  version?: string;
  token?: string;
  /** A Python model: `modelPath` is then its directory. */
  python?: RuntimeLaunch['python'];
  env?: Record<string, string>;
}): Promise<RunningRuntime> {
  const env = runtimeLaunchEnv(
    {
      port: 0,
      host: '127.0.0.1',
      modelPath: options.modelPath,
      modelName: options.name,
      modelVersion: options.version ?? '1',
      token: options.token,
      python: options.python,
    },
    process.env,
    options.env,
  );
  // As the local driver does: from source here, under vitest, so tests exercise the code under change.
  const { command, args, cwd } = runtimeCommand();
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const { port, framedPort } = await new Promise<ListeningPorts>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ports = parseListeningLine(line);
      if (ports !== undefined) resolve(ports);
    });
    child.once('exit', (code) => reject(new Error(`runtime exited (${code}): ${stderr.join('\n')}`)));
  });
  return {
    address: `http://127.0.0.1:${port}`,
    ...(framedPort !== undefined && { framedAddress: framedAddress('127.0.0.1', framedPort) }),
    token: options.token,
    headers: options.token === undefined ? {} : { [REPLICA_TOKEN_HEADER]: options.token },
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
