// A hello-world HTTP service (runtime: service, a plain Node server) deployed through the API, then called directly
// and through the gateway's /services/<name>/ at 1, 16 and 64 connections in one run. Reports gateway / direct
// throughput and the gateway's p50 overhead at each, against the goals (≥ 0.8× direct at 16 connections,
// ≤ 0.1 ms p50 overhead at 1 connection).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiClient } from '../e2e/api-client';
import { freePort, launchPlatform } from '../scripts/lib/launch';
import type { PlatformEnv } from '../scripts/lib/platform';
import { load, type LoadResult } from './lib/load';
import { until } from './lib/until';
import { hasWrk, wrk } from './lib/wrk';

const SECONDS = 5;
const HELLO = `require('node:http').createServer((req, res) => {
  if (req.url === '/health') return res.writeHead(200).end('ok');
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}');
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

function helloArtifact(dir: string): { name: string; bytes: Uint8Array } {
  writeFileSync(path.join(dir, 'slipway.yaml'), 'runtime: service\ncommand: ["node", "server.js"]\ndrainSeconds: 1\n');
  writeFileSync(path.join(dir, 'server.js'), HELLO);
  execFileSync('tar', ['-czf', path.join(dir, 'hello.tar.gz'), '-C', dir, 'slipway.yaml', 'server.js']);
  return { name: 'hello.tar.gz', bytes: readFileSync(path.join(dir, 'hello.tar.gz')) };
}

async function deployHello(api: ApiClient, dir: string): Promise<string> {
  await api.request('POST', '/api/v1/models', { name: 'bench-hello' });
  const upload = await api.upload('bench-hello', helloArtifact(dir));
  if (upload.status !== 202) throw new Error(`upload refused: ${JSON.stringify(upload.body)}`);
  await until(
    'hello version ready',
    async () => (await api.request('GET', '/api/v1/models/bench-hello/versions/1')).body.version.status === 'ready' || undefined,
  );
  await api.request('POST', '/api/v1/deployments', { name: 'bench-hello', modelName: 'bench-hello', versionLabel: 1, machineType: 'cpu-small', replicas: 1 });
  const deployment = await until('hello deployment ready', async () => {
    const { deployment } = (await api.request('GET', '/api/v1/deployments/bench-hello')).body;
    if (deployment.status === 'failed') throw new Error(`rollout failed: ${deployment.statusReason}`);
    return deployment.status === 'ready' ? deployment : undefined;
  });
  return deployment.variants[0].replicaList[0].address as string;
}

export async function benchServices(env: PlatformEnv): Promise<void> {
  const platform = await launchPlatform(env, { webPort: await freePort(), gatewayPort: await freePort(), quiet: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-bench-services-'));
  try {
    const api = await ApiClient.login(platform.webUrl, env.admin.email, env.admin.password);
    const direct = await deployHello(api, dir);
    const { key } = (await api.request('POST', '/api/v1/api-keys', { name: 'bench-services', rateLimitPerSecond: 10_000_000 })).body;
    const viaGateway = `${platform.gatewayUrl}/services/bench-hello/`;
    await until('gateway routes the service', async () => (await fetch(viaGateway, { headers: { authorization: `Bearer ${key}` } })).ok || undefined);
    const useWrk = await hasWrk();
    const measure = async (label: string, url: string, headers: Record<string, string>, connections: number): Promise<LoadResult> => {
      const options = { url, body: '', method: 'GET' as const, headers, connections, seconds: SECONDS };
      return useWrk ? { label, connections, ...(await wrk(options)) } : load(label, options);
    };
    console.log(`load generator: ${useWrk ? 'wrk' : 'autocannon (install wrk for a lighter one)'}, ${SECONDS} s per cell, GET`);
    const rows = [];
    const goals: Record<string, { value: string; target: string }> = {};
    for (const connections of [1, 16, 64]) {
      const d = await measure('direct', `${direct}/`, {}, connections);
      const g = await measure('gateway', viaGateway, { authorization: `Bearer ${key}` }, connections);
      const ratio = g.throughput / d.throughput;
      const overhead = g.p50 - d.p50;
      rows.push({
        connections,
        'direct req/s': Math.round(d.throughput),
        'gateway req/s': Math.round(g.throughput),
        'gateway / direct': ratio.toFixed(2),
        'direct p50 ms': d.p50.toFixed(3),
        'gateway p50 ms': g.p50.toFixed(3),
        'p50 overhead ms': overhead.toFixed(3),
        errors: d.errors + g.errors,
      });
      if (connections === 16) goals['gateway / direct, req/s, 16 conns'] = { value: ratio.toFixed(2), target: '≥ 0.8' };
      if (connections === 1) goals['p50 overhead, 1 conn (ms)'] = { value: overhead.toFixed(3), target: '≤ 0.1' };
    }
    console.table(rows);
    console.table(goals);
  } finally {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
