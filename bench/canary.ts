// Fast reactions of the controller, measured from outside through the REST API and the gateway:
// - a canary whose candidate fails every request, under 16 connections of load: how many callers got a failure,
//   how many requests the candidate took, and how long from the canary step to the rollback; with retries on the
//   primary (the default) against the same canary without them, in the same run;
// - a worker killed with SIGKILL mid-rollout (the supervisor restarts it): how long until the rollout's job runs
//   again and until it is live, against the same rollout without a kill.
import { buildFailingModel, buildMlp } from '@slipway/onnx-builder';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ApiClient } from '../e2e/api-client';
import { freePort, launchPlatform, type RunningPlatform } from '../scripts/lib/launch';
import type { PlatformEnv } from '../scripts/lib/platform';
import { load } from './lib/load';
import { until } from './lib/until';

const CONNECTIONS = 16;
const NAME = 'bench-canary';

interface Event {
  message: string;
  createdAt: string;
}

async function settled(api: ApiClient, name: string, revision: number): Promise<{ deployment: any; at: number }> {
  const deployment = await until(`${name} revision ${revision} live`, async () => {
    const { deployment } = (await api.request('GET', `/api/v1/deployments/${name}`)).body;
    if (deployment.status === 'failed') throw new Error(`rollout failed: ${deployment.statusReason}`);
    return deployment.status === 'ready' && deployment.stableRevision === revision ? deployment : undefined;
  });
  return { deployment, at: performance.now() };
}

async function deployFresh(api: ApiClient, name: string, replicas: number): Promise<number> {
  const existing = (await api.request('GET', `/api/v1/deployments/${name}`)).body.deployment;
  if (existing && existing.status !== 'stopped') {
    await api.request('POST', `/api/v1/deployments/${name}/stop`);
    await until(`${name} stopped`, async () =>
      (await api.request('GET', `/api/v1/deployments/${name}`)).body.deployment.status === 'stopped' ? true : undefined,
    );
  }
  const created = await api.request('POST', '/api/v1/deployments', { name, modelName: NAME, versionLabel: 1, machineType: 'cpu-small', replicas });
  if (created.status !== 201 && created.status !== 202) throw new Error(`deploy refused: ${JSON.stringify(created.body)}`);
  const revision = (await api.request('GET', `/api/v1/deployments/${name}`)).body.deployment.revision as number;
  await settled(api, name, revision);
  return revision;
}

/** One bad canary under load: callers' failures, the candidate's requests and the rollback's delay. */
async function badCanary(api: ApiClient, platform: RunningPlatform, key: string, name: string, retryOnPrimary: boolean) {
  const revision = await deployFresh(api, name, 2);
  const target = {
    url: `${platform.gatewayUrl}/models/${name}/predict`,
    body: JSON.stringify({ inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } }),
    connections: CONNECTIONS,
    // Long enough to cover the candidate's start under a loaded machine, the canary step and the rollback.
    seconds: 20,
    headers: { authorization: `Bearer ${key}` },
  };
  await until('gateway routes', async () =>
    (await fetch(target.url, { method: 'POST', headers: { ...target.headers, 'content-type': 'application/json' }, body: target.body })).ok ? true : undefined,
  );
  const loading = load(retryOnPrimary ? 'retry on primary (default)' : 'no retry (baseline)', target);
  await new Promise((r) => setTimeout(r, 1_000));
  const strategy = {
    type: 'canary',
    steps: [10, 25, 50].map((weight) => ({ weight, bakeSeconds: 60 })),
    retryOnPrimary,
  };
  const patched = await api.request('PATCH', `/api/v1/deployments/${name}`, { versionLabel: 2, strategy });
  if (patched.status !== 202) throw new Error(`update refused: ${JSON.stringify(patched.body)}`);
  const { deployment } = await settled(api, name, revision + 2);
  const result = await loading;
  const events: Event[] = (await api.request('GET', `/api/v1/deployments/${name}/events`)).body.events;
  const stepAt = events.find((e) => /^Canary step 1\//.test(e.message))?.createdAt;
  const rolledAt = events.find((e) => /rolled back automatically/.test(e.message))?.createdAt;
  const counted = /(\d+) of (\d+) requests failed on the candidate/.exec(deployment.statusReason ?? '');
  return {
    label: result.label,
    requests: result.requests,
    callersFailed: result.errors,
    candidateRequestsJudged: counted ? Number(counted[2]) : Number.NaN,
    stepToRollbackMs: stepAt && rolledAt ? Date.parse(rolledAt) - Date.parse(stepAt) : Number.NaN,
    reason: deployment.statusReason as string,
  };
}

/** A blue/green rollout to 2 replicas; with `kill`, the worker holding its job is killed once it holds it. */
async function rollout(api: ApiClient, platform: RunningPlatform, env: PlatformEnv, redis: Redis, name: string, kill: boolean) {
  const revision = await deployFresh(api, name, 1);
  const id = (await api.request('GET', `/api/v1/deployments/${name}`)).body.deployment.id as string;
  const queue = new Queue('deployments', { connection: redis, prefix: env.prefix });
  try {
    const started = performance.now();
    const patched = await api.request('PATCH', `/api/v1/deployments/${name}`, { versionLabel: 2, replicas: 2 });
    if (patched.status !== 202) throw new Error(`update refused: ${JSON.stringify(patched.body)}`);
    let killedAt = Number.NaN;
    let resumedAt = Number.NaN;
    if (kill) {
      const owner = await until('a worker holding the rollout', async () => {
        const job = await queue.getJob(`reconcile-${id}`);
        return job && (await job.isActive()) && job.processedBy ? job.processedBy : undefined;
      });
      process.kill(Number(owner.split(':').at(-1)), 'SIGKILL');
      killedAt = performance.now();
      await until('another worker running the rollout', async () => {
        const job = await queue.getJob(`reconcile-${id}`);
        const { deployment } = (await api.request('GET', `/api/v1/deployments/${name}`)).body;
        if (deployment.stableRevision === revision + 1) return true;
        return job?.processedBy && job.processedBy !== owner ? true : undefined;
      });
      resumedAt = performance.now();
    }
    const { at } = await settled(api, name, revision + 1);
    return { totalMs: at - started, killToResumeMs: resumedAt - killedAt, killToLiveMs: at - killedAt, workerPid: platform.pids.worker };
  } finally {
    await queue.close();
  }
}

export async function benchCanary(env: PlatformEnv): Promise<void> {
  const platform = await launchPlatform(env, { webPort: await freePort(), gatewayPort: await freePort(), quiet: true });
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
  try {
    const api = await ApiClient.login(platform.webUrl, env.admin.email, env.admin.password);
    await api.request('POST', '/api/v1/models', { name: NAME, description: 'bench' });
    const versions = [buildMlp({ inputs: 4, hidden: 16, outputs: 3, seed: 1 }), buildFailingModel()];
    for (const [i, bytes] of versions.entries()) {
      await api.upload(NAME, { name: `v${i + 1}.onnx`, bytes });
      await until(`v${i + 1} ready`, async () =>
        (await api.request('GET', `/api/v1/models/${NAME}/versions/${i + 1}`)).body.version.status === 'ready' ? true : undefined,
      );
    }
    const { key } = (await api.request('POST', '/api/v1/api-keys', { name: 'bench-canary', rateLimitPerSecond: 10_000_000 })).body;

    const canaries = [await badCanary(api, platform, key, `${NAME}-noretry`, false), await badCanary(api, platform, key, `${NAME}-retry`, true)];
    console.log(`\nA candidate failing every request, canary 10 → 25 → 50 % (60 s bakes), ${CONNECTIONS} connections`);
    console.table(
      Object.fromEntries(
        canaries.map((c) => [
          c.label,
          {
            requests: c.requests,
            'callers failed': c.callersFailed,
            'candidate requests judged': c.candidateRequestsJudged,
            'step start → rollback (ms)': c.stepToRollbackMs,
          },
        ]),
      ),
    );
    console.log(`reason: ${canaries[1]!.reason}`);

    const plain = await rollout(api, platform, env, redis, `${NAME}-rollout`, false);
    const killed = await rollout(api, platform, env, redis, `${NAME}-takeover`, true);
    console.log('\nWorker killed with SIGKILL mid-rollout (blue/green, 1 → 2 replicas), restarted by the supervisor');
    console.table({
      'rollout, no kill: PATCH → live (ms)': { value: plain.totalMs.toFixed(0), target: '—' },
      'rollout, killed: PATCH → live (ms)': { value: killed.totalMs.toFixed(0), target: '—' },
      'kill → job running again (ms)': { value: killed.killToResumeMs.toFixed(0), target: '≤ 5000' },
      'kill → live (ms)': { value: killed.killToLiveMs.toFixed(0), target: '—' },
      'killed / plain rollout time': { value: (killed.totalMs / plain.totalMs).toFixed(2), target: '—' },
    });
    console.log('\nRatios (same run, same machine)');
    console.table({
      'callers failed, retry on primary / no retry': { value: `${canaries[1]!.callersFailed} / ${canaries[0]!.callersFailed}`, target: '0' },
    });
    for (const n of [`${NAME}-noretry`, `${NAME}-retry`, `${NAME}-rollout`, `${NAME}-takeover`]) await api.request('POST', `/api/v1/deployments/${n}/stop`);
  } finally {
    redis.disconnect();
    await platform.stop();
  }
}
