import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { inject } from 'vitest';
import { appCommand, freePort, waitForHttp } from '../scripts/lib/launch';

/**
 * A second web process on the shared stack's database and gateway, with `overrides` in its environment
 * (e.g. its own SLIPWAY_PREFIX), for probes whose side effects must not reach the shared web process.
 */
export async function startWeb(overrides: NodeJS.ProcessEnv): Promise<{ url: string; stop(): Promise<void> }> {
  const stack = inject('stack');
  const port = await freePort();
  const { command, args, cwd, env } = appCommand(stack.env, 'web', { gatewayUrl: stack.gatewayUrl, port, extraEnv: overrides });
  const child = spawn(command, args, { cwd, env, stdio: 'ignore' });
  const exited = new AbortController();
  child.once('exit', (code, signal) => exited.abort(new Error(`web exited (${signal ?? code}) while starting`)));
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/login`, 'web', exited.signal);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, stop };
}

/** A JSON POST sent from a chosen local address (fetch cannot pick one), with the reply read whole. */
export function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  options: { localAddress: string; headers?: Record<string, string> },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), {
      method: 'POST',
      localAddress: options.localAddress,
      headers: { 'content-type': 'application/json', ...options.headers },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.end(JSON.stringify(body));
  });
}
