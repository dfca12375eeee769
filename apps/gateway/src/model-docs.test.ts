import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createDb, generateApiKey, type Db } from '@slipway/db';
import { channels, createRedis, type RoutingTable } from '@slipway/queue';
import { requireTestEnv } from '@slipway/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGateway, type Gateway } from './server';

const SIGNATURE = {
  inputs: [{ name: 'features', dtype: 'float32', shape: [null, 4] }],
  outputs: [{ name: 'label', dtype: 'int64', shape: [null] }],
};
const EXAMPLE = { source: 'recorded', inputs: { features: [[5.1, 3.5, 1.4, 0.2]] }, outputs: { label: [0] } };

describe('the gateway’s API docs of a deployment', () => {
  const env = requireTestEnv();
  const prefix = `slipway-test-docs-${randomUUID().slice(0, 8)}`;
  const name = `docs-${randomUUID().slice(0, 8)}`;
  let db: Db;
  let redis: Redis;
  let gateway: Gateway;
  let ownKey: string;
  let otherTeamKey: string;

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 2 });
    redis = createRedis({ redisUrl: env.redisUrl, prefix });
    const [team, otherTeam] = await Promise.all([db.team.create({ data: { name: `t-${name}` } }), db.team.create({ data: { name: `o-${name}` } })]);
    const user = await db.user.create({
      data: { email: `${name}@example.com`, name, passwordHash: 'x', memberships: { create: { teamId: team.id, role: 'viewer' } } },
    });
    const other = await db.user.create({
      data: { email: `o-${name}@example.com`, name, passwordHash: 'x', memberships: { create: { teamId: otherTeam.id, role: 'admin' } } },
    });
    const machine = await db.machineType.upsert({
      where: { name: 'cpu-small' },
      update: {},
      create: { name: 'cpu-small', vcpu: 1, memoryMb: 2048, hourlyCost: 0.05 },
    });
    const model = await db.model.create({ data: { name, teamId: team.id } });
    const version = await db.modelVersion.create({
      data: {
        modelId: model.id,
        label: 4,
        digest: randomUUID().replace(/-/g, '').padEnd(64, '0'),
        sizeBytes: 1,
        format: 'onnx',
        filename: 'm.onnx',
        uploadedById: user.id,
        status: 'ready',
        signature: SIGNATURE,
        manifest: { description: 'Flower classifier', labels: ['setosa', 'versicolor', 'virginica'] },
        example: EXAMPLE,
      },
    });
    const deployment = await db.deployment.create({
      data: {
        name,
        modelId: model.id,
        teamId: team.id,
        status: 'ready',
        variants: {
          create: { name: 'primary', templateKey: `primary/${version.id}/${machine.id}`, versionId: version.id, machineTypeId: machine.id, replicas: 1 },
        },
      },
      include: { variants: true },
    });
    const keys = [generateApiKey(), generateApiKey()];
    await db.apiKey.create({ data: { name: 'own', prefix: keys[0]!.prefix, hash: keys[0]!.hash, userId: user.id } });
    await db.apiKey.create({ data: { name: 'other', prefix: keys[1]!.prefix, hash: keys[1]!.hash, userId: other.id } });
    [ownKey, otherTeamKey] = keys.map((k) => k.key) as [string, string];
    gateway = await startGateway({
      db,
      redis,
      prefix,
      port: 0,
      host: '127.0.0.1',
      rollupIntervalMs: 60_000,
      maxBodyBytes: 1024 * 1024,
      defaultRateLimit: 10_000,
      holdMaxRequests: 10,
      holdTimeoutMs: 1_000,
    });
    const table: RoutingTable = {
      generatedAt: new Date().toISOString(),
      deployments: {
        [name]: {
          id: deployment.id,
          name,
          teamId: team.id,
          variants: [{ id: deployment.variants[0]!.id, name: 'primary', weight: 100, mirrorPercent: 0, replicas: [] }],
        },
      },
    };
    await redis.publish(channels(prefix).routingChanged, JSON.stringify(table));
    await vi.waitFor(() => expect(gateway.routing.deployment(name)).toBeDefined());
  });

  afterAll(async () => {
    await gateway?.close();
    redis?.disconnect();
    await db?.$disconnect();
  });

  const docs = (key?: string, deployment = name) =>
    fetch(`${gateway.url}/models/${deployment}/openapi.json`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('serves a valid OpenAPI 3.1 document of the served version to a key of the deployment’s team', async () => {
    const response = await docs(ownKey);
    expect(response.status).toBe(200);
    const document = await response.json();
    expect((await new Validator().validate(document)).errors).toBeUndefined();
    expect(document.info).toMatchObject({ title: `${name} — model API`, version: '4' });
    expect(document.info.description).toContain('Flower classifier');
    expect(document.servers).toEqual([{ url: gateway.url, description: 'Slipway gateway' }]);
    const predict = document.paths[`/models/${name}/predict`].post;
    expect(predict.requestBody.content['application/json'].example).toEqual({ inputs: EXAMPLE.inputs });
    expect(predict.responses['200'].content['application/json'].example).toEqual({ model: name, version: '4', outputs: EXAMPLE.outputs });
  });

  it('asks for an API key that may call the deployment, like a prediction does', async () => {
    const refusals = [
      [await docs(undefined), 401, 'unauthorized'],
      [await docs('sk_not_a_key'), 401, 'unauthorized'],
      [await docs(otherTeamKey), 403, 'forbidden'],
      [await docs(ownKey, 'no-such-deployment'), 404, 'not_found'],
    ] as const;
    for (const [response, status, code] of refusals) {
      expect(response.status).toBe(status);
      expect((await response.json()).error.code).toBe(code);
    }
  });
});
