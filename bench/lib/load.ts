import autocannon from 'autocannon';
import { at } from '@slipway/core';

export interface LoadResult {
  label: string;
  connections: number;
  requests: number;
  throughput: number; // requests per second
  p50: number; // ms
  p99: number; // ms
  errors: number;
}

/** A fixed-duration load from autocannon (its worker threads keep the generator off the main loop). */
export async function load(
  label: string,
  options: { url: string; body: string; method?: 'GET' | 'POST'; connections: number; seconds: number; headers?: Record<string, string> },
): Promise<LoadResult> {
  const method = options.method ?? 'POST';
  const result = await autocannon({
    url: options.url,
    method,
    ...(method === 'POST' && { body: options.body }),
    headers: { ...(method === 'POST' && { 'content-type': 'application/json' }), ...options.headers },
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
  });
  return {
    label,
    connections: options.connections,
    requests: result.requests.total,
    throughput: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** The same request `n` times in-process: the floor every served figure is compared with. */
export async function inProcess(label: string, run: () => Promise<unknown>, n: number): Promise<LoadResult> {
  for (let i = 0; i < Math.min(200, n); i++) await run();
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    label,
    connections: 1,
    requests: n,
    throughput: n / elapsed,
    p50: at(times, Math.floor(n * 0.5)),
    p99: at(times, Math.floor(n * 0.99)),
    errors: 0,
  };
}

export function printTable(title: string, rows: LoadResult[]): void {
  console.log(`\n${title}`);
  console.table(
    rows.map((r) => ({
      scenario: r.label,
      conns: r.connections,
      'req/s': Math.round(r.throughput),
      'p50 ms': r.p50.toFixed(3),
      'p99 ms': r.p99.toFixed(3),
      errors: r.errors,
    })),
  );
}
