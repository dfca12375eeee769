import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkResult {
  requests: number;
  throughput: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  errors: number;
}

/** Whether wrk is installed (`apt-get install -y wrk`). */
export async function hasWrk(): Promise<boolean> {
  return run('wrk', ['--version']).then(
    () => true,
    (error: { stdout?: string }) => (error.stdout ?? '').includes('wrk'),
  );
}

function ms(value: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value);
  if (!m) throw new Error(`unreadable wrk latency '${value}'`);
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

/** A fixed-duration load from wrk (POST with `body` unless `method` says otherwise), in its own process (one thread), with its latency distribution. */
export async function wrk(options: {
  url: string;
  body: string;
  method?: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
}): Promise<WrkResult> {
  const method = options.method ?? 'POST';
  const headers = { ...(method === 'POST' && { 'Content-Type': 'application/json' }), ...options.headers };
  const script = [
    `wrk.method = "${method}"`,
    ...(method === 'POST' ? [`wrk.body = [==[${options.body}]==]`] : []),
    ...Object.entries(headers).map(([k, v]) => `wrk.headers["${k}"] = "${v}"`),
  ].join('\n');
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'slipway-wrk-')), 'post.lua');
  await writeFile(file, script);
  const { stdout } = await run('wrk', ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', '-s', file, options.url]);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    requests,
    throughput: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
    p50: ms(/\s50%\s+(\S+)/.exec(stdout)?.[1] ?? ''),
    p99: ms(/\s99%\s+(\S+)/.exec(stdout)?.[1] ?? ''),
    errors: non2xx + (socketErrors ? socketErrors.slice(1).reduce((n, x) => n + Number(x), 0) : 0),
  };
}
