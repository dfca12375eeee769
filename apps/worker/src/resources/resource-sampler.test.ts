import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { REPLICA_TOKEN_HEADER } from '@slipway/core';
import { createDb, type Db } from '@slipway/db';
import { requireTestEnv, seedDeployment } from '@slipway/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDriver } from '../drivers/local-driver';
import { readProcess } from './proc-stats';
import { ResourceSampler } from './resource-sampler';

const IRIS = fileURLToPath(new URL('../../../../models/iris/iris.onnx', import.meta.url));
const TOKEN = 'resource-sampler-test-token-0123456789';

/** A real replica process started by the local driver, sampled from /proc into Postgres. */
describe('ResourceSampler', () => {
  const env = requireTestEnv();
  const suffix = randomUUID().slice(0, 8);
  const driver = new LocalDriver({ hostGpus: 0, bindHost: '127.0.0.1', advertiseHost: '127.0.0.1', owner: `resource-sampler-test-${suffix}` });
  let db: Db;
  let teamId: string;
  let variantId: string;
  let address: string;
  const replicaId = randomUUID();
  let sampler: ResourceSampler;

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 2 });
    const { deployment, teamId: team, variantIds } = await seedDeployment(db, `sampler-${suffix}`, ['primary']);
    teamId = team;
    variantId = variantIds.primary;
    const placed = await driver.start({
      replicaId,
      variantId,
      deploymentName: deployment.name,
      versionLabel: 1,
      localModelPath: async () => IRIS,
      token: TOKEN,
      vcpu: 1,
      memoryMb: 256,
      gpuCount: 0,
      ...{ teamId, revision: 1, variantName: 'primary', versionDigest: suffix, artifactFilename: 'iris.onnx', modelFile: 'iris.onnx', gpuType: null },
    });
    await driver.waitReady(placed, 30_000);
    address = placed.address;
    await db.replica.create({ data: { id: replicaId, variantId, address, pid: placed.pid, token: TOKEN, state: 'ready' } });
    sampler = new ResourceSampler({ db, driver, readProcess, clock: Date.now });
  }, 60_000);

  afterAll(async () => {
    await driver.close();
    await db?.deployment.deleteMany({ where: { teamId } });
    await db?.$disconnect();
  });

  const samplesOf = (id: string) => db.replicaResourceSample.findMany({ where: { replicaId: id }, orderBy: { at: 'asc' } });

  it('records CPU and resident memory of a running replica, at start and again after it served', async () => {
    await sampler.sample();
    const [first] = await samplesOf(replicaId);
    // onnxruntime and Node loaded: tens of megabytes resident.
    expect(Number(first!.rssBytes)).toBeGreaterThan(20 * 1024 * 1024);
    expect(first!.cpuPercent).toBeGreaterThan(0); // Since start: loading the model took CPU.
    const body = JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [5.1, 3.5, 1.4, 0.2] }] });
    for (let i = 0; i < 300; i++) {
      const response = await fetch(`${address}/v2/models/${`sampler-${suffix}`}/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [REPLICA_TOKEN_HEADER]: TOKEN },
        body,
      });
      expect(response.status).toBe(200);
    }
    await sampler.sample();
    const samples = await samplesOf(replicaId);
    expect(samples).toHaveLength(2);
    expect(samples[1]!.cpuPercent).toBeGreaterThan(0);
  });

  it('samples no replica whose process is not theirs or gone, and deletes samples older than a day', async () => {
    // A row claiming this test runner's pid: alive, but not carrying that replica's id.
    const impostor = await db.replica.create({ data: { variantId, pid: process.pid, state: 'ready' } });
    const old = await db.replicaResourceSample.create({ data: { replicaId, at: new Date(Date.now() - 25 * 60 * 60_000), cpuPercent: 1, rssBytes: 1n } });
    const fresh = new ResourceSampler({ db, driver, readProcess, clock: Date.now });
    await fresh.sample();
    expect(await samplesOf(impostor.id)).toEqual([]);
    expect(await db.replicaResourceSample.findUnique({ where: { id: old.id } })).toBeNull();
    expect((await samplesOf(replicaId)).length).toBe(3);
  });
});
