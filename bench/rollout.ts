// A blue/green version update under steady load through the gateway, against the same load without an
// update in the same run: p50/p99 and failed requests, and how long the update took (PATCH → ready).
import { buildMlp } from '@slipway/onnx-builder';
import { ApiClient } from '../e2e/api-client';
import { freePort, launchPlatform } from '../scripts/lib/launch';
import type { PlatformEnv } from '../scripts/lib/platform';
import { load, printTable, type LoadResult } from './lib/load';
import { until } from './lib/until';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 16;
const NAME = 'bench-rollout';

const stableAt = (api: ApiClient, revision: number) =>
  until(`revision ${revision} live`, async () => {
    const { deployment } = (await api.request('GET', `/api/v1/deployments/${NAME}`)).body;
    if (deployment.status === 'failed') throw new Error(`rollout failed: ${deployment.statusReason}`);
    return deployment.status === 'ready' && deployment.stableRevision === revision ? deployment : undefined;
  });

export async function benchRollout(env: PlatformEnv): Promise<void> {
  const platform = await launchPlatform(env, { webPort: await freePort(), gatewayPort: await freePort(), quiet: true });
  try {
    const api = await ApiClient.login(platform.webUrl, env.admin.email, env.admin.password);
    await api.request('POST', '/api/v1/models', { name: NAME, description: 'bench' });
    for (const seed of [1, 2]) {
      await api.upload(NAME, { name: `v${seed}.onnx`, bytes: buildMlp({ inputs: 16, hidden: 64, outputs: 4, seed }) });
      await until(`v${seed} ready`, async () =>
        (await api.request('GET', `/api/v1/models/${NAME}/versions/${seed}`)).body.version.status === 'ready' ? true : undefined,
      );
    }
    const existing = (await api.request('GET', `/api/v1/deployments/${NAME}`)).body.deployment;
    if (existing && existing.status !== 'stopped') {
      await api.request('POST', `/api/v1/deployments/${NAME}/stop`);
      await until('old bench deployment stopped', async () =>
        (await api.request('GET', `/api/v1/deployments/${NAME}`)).body.deployment.status === 'stopped' ? true : undefined,
      );
    }
    await api.request('POST', '/api/v1/deployments', { name: NAME, modelName: NAME, versionLabel: 1, machineType: 'cpu-small', replicas: 2 });
    let revision = (await stableAt(api, (await api.request('GET', `/api/v1/deployments/${NAME}`)).body.deployment.revision)).revision as number;
    const { key } = (await api.request('POST', '/api/v1/api-keys', { name: 'bench-rollout', rateLimitPerSecond: 10_000_000 })).body;
    const target = {
      url: `${platform.gatewayUrl}/models/${NAME}/predict`,
      body: JSON.stringify({ inputs: { features: [new Array(16).fill(0.5)] } }),
      connections: CONNECTIONS,
      seconds: SECONDS,
      headers: { authorization: `Bearer ${key}` },
    };
    await until('gateway routes', async () =>
      (await fetch(target.url, { method: 'POST', headers: { ...target.headers, 'content-type': 'application/json' }, body: target.body })).ok
        ? true
        : undefined,
    );

    const rows: LoadResult[] = [await load('steady load, no update', target)];
    // Two updates (v1 → v2 → v1) inside one load window, each started once the previous one is live.
    const updating = load('same load, two blue/green updates', target);
    const updateMs: number[] = [];
    for (const version of [2, 1]) {
      await new Promise((r) => setTimeout(r, 1_000));
      const started = performance.now();
      const patched = await api.request('PATCH', `/api/v1/deployments/${NAME}`, { versionLabel: version });
      if (patched.status !== 202) throw new Error(`update refused: ${JSON.stringify(patched.body)}`);
      revision = patched.body.revision;
      await stableAt(api, revision);
      updateMs.push(performance.now() - started);
    }
    rows.push(await updating);
    printTable(`Blue/green update under load, ${CONNECTIONS} connections, ${SECONDS} s each`, rows);
    const [steady, update] = rows as [LoadResult, LoadResult];
    console.log('\nRatios (same run, same machine)');
    console.table({
      'failed requests during the updates': { value: update.errors, target: '0' },
      'p50 during updates / steady p50': { value: (update.p50 / Math.max(steady.p50, 1)).toFixed(2), target: '—' },
      'p99 during updates / steady p99': { value: (update.p99 / Math.max(steady.p99, 1)).toFixed(2), target: '—' },
      'throughput during updates / steady': { value: (update.throughput / steady.throughput).toFixed(2), target: '—' },
      'update time, PATCH → new revision live (ms)': { value: updateMs.map((ms) => ms.toFixed(0)).join(', '), target: '—' },
    });
    await api.request('POST', `/api/v1/deployments/${NAME}/stop`);
  } finally {
    await platform.stop();
  }
}
