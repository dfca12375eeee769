import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createDb, type Db } from '@slipway/db';
import { requireTestEnv, type RunningRuntime, seedDeployment, startRuntime } from '@slipway/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchReplicaMetrics, parseProcessMetrics, sampleRemoteReplicas } from './remote-sampler';

const IRIS = fileURLToPath(new URL('../../../../models/iris/iris.onnx', import.meta.url));

describe('process figures from Prometheus text', () => {
  it('reads CPU seconds, resident memory and seconds alive; null when one is missing', () => {
    const text = [
      '# TYPE process_cpu_seconds_total counter',
      'process_cpu_seconds_total 1.5',
      'process_resident_memory_bytes 52428800',
      'process_start_time_seconds 1000',
    ].join('\n');
    expect(parseProcessMetrics(text, 1060)).toEqual({ cpuSeconds: 1.5, rssBytes: 52_428_800, aliveSeconds: 60 });
    expect(parseProcessMetrics('process_cpu_seconds_total 1.5\nprocess_start_time_seconds 1000', 1060)).toBeNull();
  });
});

/** A replica without a local process, as a Kubernetes pod is to the worker: a real runtime reached only over HTTP. */
describe('sampling replicas over their /metrics', () => {
  const env = requireTestEnv();
  let db: Db;
  let runtime: RunningRuntime;
  let replicaId: string;
  let goneId: string;

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 2 });
    const seeded = await seedDeployment(db, `remote-${randomUUID().slice(0, 8)}`, ['primary']);
    runtime = await startRuntime({ modelPath: IRIS, name: 'iris', token: `token-${randomUUID()}` });
    const variantId = seeded.variantIds.primary;
    replicaId = (await db.replica.create({ data: { variantId, state: 'ready', address: runtime.address, token: runtime.token ?? null } })).id;
    // A pod that stopped answering (rescheduled, say): skipped, not fatal.
    goneId = (await db.replica.create({ data: { variantId, state: 'ready', address: 'http://127.0.0.1:9', token: 'x' } })).id;
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    await db?.$disconnect();
  });

  it('writes CPU and memory per answering replica, CPU as the share of a core since its previous sample', async () => {
    const sample = () => sampleRemoteReplicas({ db, fetchMetrics: fetchReplicaMetrics, clock: Date.now });
    await sample();
    // Work for the replica between the two samples.
    for (let i = 0; i < 200; i++) {
      const response = await fetch(`${runtime.address}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...runtime.headers },
        body: JSON.stringify({ inputs: { features: [[5.1, 3.5, 1.4, 0.2]] } }),
      });
      expect(response.status).toBe(200);
    }
    await sample();
    const rows = await db.replicaResourceSample.findMany({ where: { replicaId: { in: [replicaId, goneId] } }, orderBy: { at: 'asc' } });
    expect(rows.map((r) => r.replicaId)).toEqual([replicaId, replicaId]);
    const [first, second] = [rows[0]!, rows[1]!];
    // A Node process with onnxruntime loaded holds tens of MB.
    expect(Number(second.rssBytes)).toBeGreaterThan(20 * 1024 * 1024);
    expect(second.cpuSeconds!).toBeGreaterThan(first.cpuSeconds!);
    const sinceFirst = ((second.cpuSeconds! - first.cpuSeconds!) / ((second.at.getTime() - first.at.getTime()) / 1000)) * 100;
    expect(second.cpuPercent).toBeCloseTo(sinceFirst, 6);
  });
});
