import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { at, must, REPLICA_TOKEN_HEADER } from '@slipway/core';
import { trainIrisClassifier } from '@slipway/onnx-builder';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DriverError, type PlacedReplica, type ReplicaRef, type ReplicaSpec } from './driver';
import { LocalDriver } from './local-driver';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SETOSA = [5.1, 3.5, 1.4, 0.2];
/** Every replica here shares one secret; the driver passes what the spec says. */
const TOKEN = 'local-driver-test-token-0123456789';
const options = { hostGpus: 0, bindHost: '127.0.0.1', advertiseHost: '127.0.0.1', owner: `local-driver-test-${process.pid}` };

let modelPath: string;
const drivers: LocalDriver[] = [];
const strays: ChildProcess[] = [];
const orphans: ReplicaRef[] = [];

function newDriver(): LocalDriver {
  const driver = new LocalDriver(options);
  drivers.push(driver);
  return driver;
}

function spec(): ReplicaSpec {
  return {
    replicaId: randomUUID(),
    variantId: randomUUID(),
    deploymentName: 'iris',
    versionLabel: 1,
    localModelPath: async () => modelPath,
    token: TOKEN,
    vcpu: 1,
    memoryMb: 256,
    gpuCount: 0,
    // What only drivers placing whole replica sets read.
    ...{ teamId: 'team', revision: 1, variantName: 'primary', versionDigest: 'd', artifactFilename: 'iris.onnx', modelFile: 'iris.onnx', gpuType: null },
  };
}

async function startReady(driver: LocalDriver, replica = spec()): Promise<PlacedReplica & { id: string; pid: number }> {
  const placed = await driver.start(replica);
  await driver.waitReady(placed, 20_000);
  return { ...placed, id: replica.replicaId, pid: placed.pid! };
}

const predict = (address: string, headers: Record<string, string> = { [REPLICA_TOKEN_HEADER]: TOKEN }) =>
  fetch(`${address}/v2/models/iris/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: SETOSA }] }),
  });

async function predictLabel(address: string): Promise<number> {
  const response = await predict(address);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { outputs: { name: string; data: number[] }[] };
  return at(
    must(
      body.outputs.find((o) => o.name === 'label'),
      "output 'label'",
    ).data,
    0,
  );
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A worker process of its own that places one replica, prints it, then idles until killed. */
async function startWorkerProcess(): Promise<{ worker: ChildProcess; replica: PlacedReplica & ReplicaRef }> {
  const replica = spec();
  const script = `
    const { LocalDriver } = await import(${JSON.stringify(new URL('./local-driver.ts', import.meta.url).href)});
    const driver = new LocalDriver(${JSON.stringify(options)});
    const placed = await driver.start({ ...${JSON.stringify(replica)}, localModelPath: async () => ${JSON.stringify(modelPath)} });
    await driver.waitReady(placed, 20000);
    console.log(JSON.stringify(placed));
    setInterval(() => {}, 60000);
  `;
  const worker = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  strays.push(worker);
  const [line] = (await once(createInterface({ input: worker.stdout! }), 'line')) as [string];
  const placed = JSON.parse(line) as PlacedReplica;
  orphans.push({ id: replica.replicaId, pid: placed.pid });
  return { worker, replica: { ...placed, id: replica.replicaId } };
}

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-local-driver-'));
  modelPath = path.join(dir, 'iris.onnx');
  await writeFile(modelPath, trainIrisClassifier({ seed: 1 }).model);
});

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

afterAll(async () => {
  // Stopping by {id, pid} is itself safe against reused pids.
  await Promise.all(orphans.map((r) => new LocalDriver(options).stop(r)));
  for (const child of strays) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
});

describe('LocalDriver', () => {
  it('starts a replica that answers predictions, and stop() ends its process group', async () => {
    const driver = newDriver();
    const replica = await startReady(driver);
    expect(await predictLabel(replica.address)).toBe(0);
    expect(driver.isAlive(replica)).toBe(true);
    expect(groupExists(replica.pid)).toBe(true);

    await driver.stop(replica);
    expect(groupExists(replica.pid)).toBe(false);
    expect(driver.isAlive(replica)).toBe(false);
  });

  it("passes a replica only what it needs: its launch values and tunables, never the worker's secrets", async () => {
    const secrets = {
      DATABASE_URL: 'postgresql://secret@db/slipway',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
      SLIPWAY_INTERNAL_TOKEN: 'internal-secret-0123456789',
    };
    const tunable = { SLIPWAY_MAX_QUEUE_DELAY_MS: '1' };
    const saved = Object.fromEntries(Object.keys({ ...secrets, ...tunable }).map((k) => [k, process.env[k]]));
    Object.assign(process.env, secrets, tunable);
    try {
      const driver = newDriver();
      const replica = await startReady(driver);
      const environ = new Map(
        readFileSync(`/proc/${replica.pid}/environ`, 'utf8')
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      for (const name of Object.keys(secrets)) expect(environ.has(name), name).toBe(false);
      expect([...environ.values()].join('\n')).not.toMatch(/secret@db|aws-secret|internal-secret/);
      expect(environ.get('SLIPWAY_MODEL_PATH')).toBe(modelPath);
      expect(environ.get('SLIPWAY_REPLICA_TOKEN')).toBe(TOKEN);
      expect(environ.get('SLIPWAY_MAX_QUEUE_DELAY_MS')).toBe('1');
      // The replica answers only callers with its token; the readiness probe stays open.
      expect((await predict(replica.address, {})).status).toBe(401);
      expect(await predictLabel(replica.address)).toBe(0);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('refuses a spec needing more GPUs than the host offers', async () => {
    await expect(newDriver().start({ ...spec(), gpuCount: 1 })).rejects.toBeInstanceOf(DriverError);
  });

  it('reports an external kill -9 through onExit, but not a stop()', async () => {
    const driver = newDriver();
    const onExit = vi.fn();
    driver.onExit(onExit);
    const [stopped, killed] = await Promise.all([startReady(driver), startReady(driver)]);

    await driver.stop(stopped);
    expect(onExit).not.toHaveBeenCalled();

    const exited = new Promise<unknown[]>((resolve) => driver.onExit((...args) => resolve(args)));
    process.kill(killed.pid, 'SIGKILL');
    expect(await exited).toEqual([killed.id, { code: null, signal: 'SIGKILL' }]);
    expect(onExit).toHaveBeenCalledOnce();
    expect(driver.isAlive(killed)).toBe(false);
  });

  it('keeps a replica serving after its worker is SIGKILLed, and a restarted worker stops it by id and pid', async () => {
    const { worker, replica } = await startWorkerProcess();
    const workerExited = once(worker, 'exit');
    process.kill(-worker.pid!, 'SIGKILL');
    await workerExited;

    expect(await predictLabel(replica.address)).toBe(0);
    const restarted = newDriver();
    expect(restarted.isAlive(replica)).toBe(true);

    // A request in flight across the stop: answered only if logging `draining` to the dead pipe did not crash the replica.
    const inFlight = request(`${replica.address}/v2/models/iris/infer`, { method: 'POST', headers: { expect: '100-continue', [REPLICA_TOKEN_HEADER]: TOKEN } });
    const response = once(inFlight, 'response') as Promise<[IncomingMessage]>;
    await once(inFlight, 'continue'); // The runtime has accepted the request.
    const stopped = restarted.stop(replica);
    const live = `${replica.address}/v2/health/live`;
    await vi.waitFor(() => expect(fetch(live)).rejects.toThrow(), { timeout: 10_000, interval: 20 }); // Draining: no longer listening.
    inFlight.end(JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: SETOSA }] }));
    expect((await response)[0].statusCode).toBe(200);

    await stopped;
    expect(restarted.isAlive(replica)).toBe(false);
  });

  it('does not signal a pid whose environment lacks the replica id', async () => {
    // Its own group, as a replica's would be, so a wrongly sent group signal would reach it.
    const unrelated = spawn('sleep', ['30'], { stdio: 'ignore', detached: true });
    strays.push(unrelated);
    await once(unrelated, 'spawn');
    const impostor = { id: randomUUID(), pid: unrelated.pid! };
    const driver = newDriver();

    expect(driver.isAlive(impostor)).toBe(false);
    await driver.stop(impostor);
    // Had the driver sent SIGTERM, that (already delivered) signal would be the one reported.
    const exited = once(unrelated, 'exit');
    process.kill(unrelated.pid!, 'SIGKILL');
    expect(await exited).toEqual([null, 'SIGKILL']);
  });
});
