// Oversized request bodies against the web process, watching its memory: JSON bodies are capped at
// SLIPWAY_MAX_JSON_BYTES (1 MiB) and counted as they arrive, so N callers each sending 64 MiB should
// grow its RSS about as much as N small requests do, and get their 413 without the web reading 64 MiB.
import { request } from 'node:http';
import { freePort, launchPlatform } from '../scripts/lib/launch';
import type { PlatformEnv } from '../scripts/lib/platform';
import { TreeMemorySampler } from './lib/memory';

const MiB = 1024 ** 2;
const CHUNK = Buffer.alloc(MiB, 'x');

interface Reply {
  status: number;
  /** From the first byte sent to the response's headers. */
  ms: number;
}

/**
 * POSTs `bytes` of body in 1 MiB chunks, with Content-Length (`declared`) or chunked, and settles on the
 * answer: a server that answers early stops reading, so a failed write after the answer is expected.
 */
function post(url: string, bytes: number, declared: boolean): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(declared ? { 'content-length': String(bytes) } : {}) },
    });
    let answered = false;
    req.once('response', (res) => {
      answered = true;
      resolve({ status: res.statusCode ?? 0, ms: performance.now() - started });
      res.on('error', () => undefined).resume();
    });
    // The server closing before its answer reached us (EPIPE, reset) counts as status 0, "closed".
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      answered = true;
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') resolve({ status: 0, ms: performance.now() - started });
      else reject(error);
    });
    let sent = 0;
    const write = () => {
      while (sent < bytes && !answered) {
        const piece = sent + CHUNK.length <= bytes ? CHUNK : CHUNK.subarray(0, bytes - sent);
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', write);
      }
      if (!answered) req.end();
    };
    write();
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

export async function benchBodyLimits(env: PlatformEnv): Promise<void> {
  const n = Number(process.env.BENCH_BODY_REQUESTS ?? 8);
  const platform = await launchPlatform(env, { webPort: await freePort(), gatewayPort: await freePort(), quiet: true });
  try {
    const login = `${platform.webUrl}/api/v1/auth/login`;
    const tryIt = `${platform.webUrl}/api/v1/deployments/body-bench/try`;
    // 2 bytes of `x` are not JSON: a 400 at login, no failed sign-in counted; anonymous "try it" is a 401, its body never read.
    const cases = [
      { label: `baseline: ${n} × 2-byte login`, url: login, bytes: 2, declared: true },
      { label: `${n} × 64 MiB login, Content-Length`, url: login, bytes: 64 * MiB, declared: true },
      { label: `${n} × 64 MiB login, chunked`, url: login, bytes: 64 * MiB, declared: false },
      { label: `baseline: ${n} × 2-byte try`, url: tryIt, bytes: 2, declared: true },
      { label: `${n} × 64 MiB try, chunked`, url: tryIt, bytes: 64 * MiB, declared: false },
    ];
    // Warm-up, so the first measured batch does not pay for compiling the routes.
    for (const url of [login, tryIt]) await Promise.all(Array.from({ length: n }, () => post(url, 2, true)));
    const rows: Record<string, string | number>[] = [];
    const growth: Record<string, number> = {};
    for (const { label, url, bytes, declared } of cases) {
      const sampler = new TreeMemorySampler(platform.pids.web);
      const before = await sampler.sampleOnce();
      sampler.start(20);
      let replies: Reply[];
      try {
        replies = await Promise.all(Array.from({ length: n }, () => post(url, bytes, declared)));
        await sampler.sampleOnce();
      } finally {
        sampler.stop();
      }
      const latencies = replies.map((r) => r.ms).sort((a, b) => a - b);
      growth[label] = sampler.peakBytes() - before;
      rows.push({
        requests: label,
        statuses: [...new Set(replies.map((r) => r.status || 'closed'))].join(' '),
        'web RSS before MB': (before / MiB).toFixed(0),
        'peak growth MB': (growth[label] / MiB).toFixed(1),
        'answer p50 ms': percentile(latencies, 50).toFixed(0),
        'answer max ms': percentile(latencies, 100).toFixed(0),
      });
    }
    console.log('\nOversized JSON bodies, memory of the web process tree (peak growth over the RSS before each batch)');
    console.table(rows);
    const baseline = (kind: string) => Math.max(growth[`baseline: ${n} × 2-byte ${kind}`] ?? 0, MiB);
    console.table(
      Object.fromEntries(
        Object.entries(growth)
          .filter(([label]) => !label.startsWith('baseline'))
          .map(([label, bytes]) => [
            `${label}: peak growth / baseline (floored at 1 MiB)`,
            (bytes / baseline(label.includes('try') ? 'try' : 'login')).toFixed(2),
          ]),
      ),
    );
  } finally {
    await platform.stop();
  }
}
