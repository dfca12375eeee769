import { execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCommand, freePort, type ProcessName, startProcess, waitForHttp } from '../scripts/lib/launch';
import { ApiClient } from './api-client';
import { startStack } from './stack';

const CHUNK = 64 * 1024;
const SETOSA = [5.1, 3.5, 1.4, 0.2];

/** A process started beside the test platform's own: not supervised, so a kill is final. */
interface Extra {
  child: ChildProcess;
  lines: string[];
  url?: string;
}

/** Polls `check` until it returns a value (not undefined); fails with `what` after `timeoutMs`. */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Child processes of `pid` (Linux: /proc/<child>/stat's fourth field). */
async function childrenOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === pid) found.push(Number(entry));
  }
  return found.sort();
}

/** Web, gateway and worker processes side by side, sharing Postgres, Redis and the data dir. */
describe('several processes of each kind', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: ApiClient;
  let redis: Redis;
  const extras: Extra[] = [];
  const suffix = randomUUID().slice(0, 8);
  const modelName = `iris-many-${suffix}`;

  async function startExtra(app: ProcessName, extraEnv: NodeJS.ProcessEnv = {}): Promise<Extra> {
    const port = app === 'worker' ? undefined : await freePort();
    const { command, args, cwd, env } = appCommand(stack.env, app, { gatewayUrl: stack.gatewayUrl, port, extraEnv });
    const lines: string[] = [];
    const child = startProcess(`${app}-2`, command, args, { cwd, env, quiet: !process.env.SLIPWAY_TEST_VERBOSE, lines: (l) => lines.push(l) });
    const extra: Extra = { child, lines, url: port ? `http://127.0.0.1:${port}` : undefined };
    extras.push(extra);
    const died = new AbortController();
    child.once('exit', (code, signal) => died.abort(new Error(`${app}-2 exited (${signal ?? code}) while starting`)));
    if (app === 'web') await waitForHttp(`${extra.url}/login`, 'web-2', died.signal);
    if (app === 'gateway') await waitForHttp(`${extra.url}/healthz`, 'gateway-2', died.signal);
    if (app === 'worker') await until('the second worker to start', () => (lines.some((l) => l.includes('worker started')) ? true : undefined));
    return extra;
  }

  const predict = (gatewayUrl: string, key: string, name: string) =>
    fetch(`${gatewayUrl}/models/${name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ inputs: { features: [SETOSA] } }),
    });

  /** The same call over a caller's own keep-alive connection. */
  const predictOver = (agent: Agent, gatewayUrl: string, key: string, name: string) =>
    new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
      const call = request(`${gatewayUrl}/models/${name}/predict`, {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      });
      call.once('error', reject);
      call.once('response', (response) => {
        response.resume();
        response.once('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] }));
      });
      call.end(JSON.stringify({ inputs: { features: [SETOSA] } }));
    });

  beforeAll(async () => {
    stack = await startStack();
    admin = await ApiClient.login(stack.webUrl, stack.admin.email, stack.admin.password);
    redis = new Redis(stack.env.redisUrl);
    expect((await admin.request('POST', '/api/v1/models', { name: modelName })).status).toBe(201);
    // v1: the iris model; v2: the same classifier packed with its manifest.
    await admin.upload(modelName, stack.demoModelPath);
    await admin.upload(modelName, path.join(path.dirname(stack.demoModelPath), 'iris.tar.gz'));
    for (const label of [1, 2]) await admin.waitFor(`/api/v1/models/${modelName}/versions/${label}`, (b) => b.version.status === 'ready');
  });

  afterAll(async () => {
    await Promise.all(
      extras.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }),
    );
    redis?.disconnect();
  });

  it('resumes a tus upload whose chunks alternate between two web processes, and registers the same bytes', async () => {
    const second = await startExtra('web');
    const webs = [stack.webUrl, second.url!];
    const login = await fetch(`${stack.webUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(stack.admin),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const tus = (web: string, method: string, url: string, headers: Record<string, string>, body?: Uint8Array) =>
      fetch(new URL(url, web), { method, headers: { 'tus-resumable': '1.0.0', cookie, ...headers }, body: body as Uint8Array<ArrayBuffer> });

    const dir = await mkdtemp(path.join(tmpdir(), 'slipway-many-'));
    let archive: Buffer;
    try {
      await copyFile(stack.demoModelPath, path.join(dir, 'model.onnx'));
      await writeFile(path.join(dir, 'notes.bin'), randomBytes(5 * CHUNK));
      await promisify(execFile)('tar', ['-czf', path.join(dir, 'iris.tar.gz'), '-C', dir, 'model.onnx', 'notes.bin']);
      archive = await readFile(path.join(dir, 'iris.tar.gz'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const metadata = [`filename ${Buffer.from('iris.tar.gz').toString('base64')}`, `model ${Buffer.from(modelName).toString('base64')}`].join(',');
    const created = await tus(webs[0]!, 'POST', '/api/v1/uploads', { 'upload-length': String(archive.length), 'upload-metadata': metadata });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;

    let offset = 0;
    let last: Response | undefined;
    for (let i = 0; offset < archive.length; i++) {
      const web = webs[i % 2]!;
      // Each chunk goes where the previous one did not; the offset is asked of that process first.
      const head = await tus(web, 'HEAD', location, {});
      expect(Number(head.headers.get('upload-offset'))).toBe(offset);
      last = await tus(
        web,
        'PATCH',
        location,
        { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
        archive.subarray(offset, offset + CHUNK),
      );
      offset = Math.min(archive.length, offset + CHUNK);
      if (offset < archive.length) expect(last.status).toBe(204);
    }
    expect(last!.status).toBe(201);
    const { version } = await last!.json();
    expect(version.digest).toBe(createHash('sha256').update(archive).digest('hex'));
    // Both processes took part: the chunks alternated, and no lock was left behind in Redis.
    expect(Math.ceil(archive.length / CHUNK)).toBeGreaterThan(4);
    expect(await redis.keys(`${stack.env.prefix}:tus-lock:*`)).toEqual([]);
  });

  it('holds one API key to its rate limit across gateway processes, and replaces a gateway process that dies', async () => {
    const name = `many-gw-${suffix}`;
    const deployment = await admin.deploySettled({ name, modelName, versionLabel: 1, machineType: 'cpu-small', replicas: 1 });
    expect(deployment.status).toBe('ready');
    const cluster = await startExtra('gateway', { SLIPWAY_GATEWAY_WORKERS: '2' });
    const gateways = [stack.gatewayUrl, cluster.url!];
    const unlimited = (await admin.request('POST', '/api/v1/api-keys', { name: `many-${suffix}` })).body.key;
    const rate = 5;
    const limited = (await admin.request('POST', '/api/v1/api-keys', { name: `many-limited-${suffix}`, rateLimitPerSecond: rate })).body.key;
    /** Requests the two-process gateway answered with 200, to compare with its /metrics. */
    let clusterOk = 0;
    // Every gateway process routes the deployment before the limited key is spent: the cluster is called over four
    // fresh connections, which node:cluster hands to its two processes in turn.
    for (const url of [stack.gatewayUrl, cluster.url!, cluster.url!, cluster.url!, cluster.url!]) {
      await until(`${url} to route ${name}`, async () => {
        if ((await predictOver(new Agent(), url, unlimited, name)).status !== 200) return undefined;
        if (url === cluster.url) clusterOk++;
        return true;
      });
    }

    // 12 callers, alternating between the plain gateway and the two-process one, for 3 s. Each caller keeps its own
    // connections (fetch would share a pool of few), and node:cluster hands connections to its processes in turn,
    // so both processes of the cluster serve callers.
    const counts = { ok: 0, limited: 0, other: [] as number[] };
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 12 }, async (_, caller) => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        for (let i = caller; Date.now() - started < 3_000; i++) {
          const response = await predictOver(agent, gateways[i % 2]!, limited, name);
          if (response.status === 200) {
            counts.ok++;
            if (i % 2 === 1) clusterOk++;
          } else if (response.status === 429 && Number(response.retryAfter) >= 1) counts.limited++;
          else counts.other.push(response.status);
          // Callers pace themselves (at most 600 requests a second in all), so the test measures the limit, not the CPU.
          await new Promise((r) => setTimeout(r, 20));
        }
        agent.destroy();
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(counts.other).toEqual([]);
    // The callers asked for at least twice what one bucket allows, so separate buckets per process would show.
    expect(counts.ok + counts.limited).toBeGreaterThan(2 * (rate + rate * seconds));
    // One bucket: the burst (one second's worth) plus the refill, plus at most one leased token per gateway
    // process (3 here); buckets per process would have let up to three times as many through.
    expect(counts.ok).toBeLessThanOrEqual(rate + rate * seconds + 3);
    expect(counts.ok).toBeGreaterThanOrEqual(rate * seconds - 3);

    // In-flight counts reach the autoscaler from every gateway process (one hash each, summed by the worker).
    // Each process publishes its hash on its own interval: wait for the third rather than read once right after the load.
    const publishing = async () => {
      const withVariant: string[] = [];
      for (const key of await redis.keys(`${stack.env.prefix}:inflight:*`)) {
        if (Object.keys(await redis.hgetall(key)).includes(deployment.variants[0].id)) withVariant.push(key);
      }
      return withVariant.length >= 3 ? withVariant : undefined;
    };
    expect((await until('three gateway processes to publish in-flight counts', publishing)).length).toBeGreaterThanOrEqual(3);

    // Its /metrics, answered by either process, counts what both answered.
    const scrape = async () => {
      const text = await (await fetch(`${cluster.url}/metrics`, { headers: { authorization: `Bearer ${stack.env.internalToken}` } })).text();
      const series = text
        .split('\n')
        .filter((l) => l.startsWith('slipway_gateway_requests_total{') && l.includes(`deployment="${name}"`) && l.includes('code_class="2xx"'));
      return series.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    };
    // (A response's count is recorded as its connection closes: await it rather than race it.)
    await until('the metrics to count every answer', async () => ((await scrape()) === clusterOk ? true : undefined), 10_000);
    for (let i = 0; i < 3; i++) expect(await scrape()).toBe(clusterOk);

    // A gateway process killed outright is replaced by the primary, which says so; the port keeps answering.
    const before = await childrenOf(cluster.child.pid!);
    expect(before).toHaveLength(2);
    process.kill(before[0]!, 'SIGKILL');
    await until('the primary to log the restart', () =>
      cluster.lines.some((l) => l.includes(`gateway process ${before[0]} exited (signal SIGKILL); restarting`)) ? true : undefined,
    );
    const after = await until('a replacement gateway process', async () => {
      const now = await childrenOf(cluster.child.pid!);
      return now.length === 2 && !now.includes(before[0]!) ? now : undefined;
    });
    expect(after).toContain(before[1]);
    for (let i = 0; i < 4; i++) expect((await predict(cluster.url!, unlimited, name)).status).toBe(200);
  });

  it('hands a deployment whose worker is killed mid-rollout to another worker, which finishes it', async () => {
    await startExtra('worker');
    const name = `many-wk-${suffix}`;
    const deployment = await admin.deploySettled({ name, modelName, versionLabel: 1, machineType: 'cpu-small', replicas: 1 });
    expect(deployment.status).toBe('ready');
    const queue = new Queue('deployments', { connection: redis, prefix: stack.env.prefix });
    try {
      expect((await admin.request('PATCH', `/api/v1/deployments/${name}`, { versionLabel: 2, replicas: 2 })).status).toBe(202);
      // The owner: the one process holding the deployment's reconcile job while it starts the new replicas.
      const owner = await until('a worker to take the rollout', async () => {
        const job = await queue.getJob(`reconcile-${deployment.id}`);
        return job && (await job.isActive()) && job.processedBy ? job.processedBy : undefined;
      });
      const ownerPid = Number(owner.split(':').at(-1));
      process.kill(ownerPid, 'SIGKILL');

      const successors = new Set<string>();
      const stalls: number[] = [];
      const done = await until('the rollout to finish', async () => {
        const job = await queue.getJob(`reconcile-${deployment.id}`);
        if (job?.processedBy && job.processedBy !== owner) {
          successors.add(job.processedBy);
          stalls.push(job.stalledCounter);
        }
        const { body } = await admin.request('GET', `/api/v1/deployments/${name}`);
        return body.deployment.status === 'ready' && body.deployment.stableRevision === 2 ? body.deployment : undefined;
      });
      expect(done.variants.map((v: any) => [v.version.label, v.replicaList.filter((r: any) => r.state === 'ready').length])).toEqual([[2, 2]]);
      expect(successors.size).toBeGreaterThanOrEqual(1);
      expect([...successors].every((s) => Number(s.split(':').at(-1)) !== ownerPid)).toBe(true);
      // Handed off explicitly (the dead owner's lock released by the survivor), not found stalled once its lock expired.
      expect(stalls.length).toBeGreaterThan(0);
      expect(stalls.every((n) => n === 0)).toBe(true);
      expect((await predict(stack.gatewayUrl, (await admin.request('POST', '/api/v1/api-keys', { name: `wk-${suffix}` })).body.key, name)).status).toBe(200);
    } finally {
      await queue.close();
    }
  });
});
