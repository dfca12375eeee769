import { randomUUID } from 'node:crypto';
import { at } from '@slipway/core';
import { type DeploymentStatus, generateApiKey, type Db } from '@slipway/db';

/**
 * Rows a real deployment has (team, user, model version, deployment with `variantNames`, a cpu-small machine, API keys:
 * one unlimited, one limited to 2/s), so routing, rollups and API keys resolve against the database. `status` is the
 * deployment's (ready unless said).
 */
export async function seedDeployment<Variant extends string>(db: Db, name: string, variantNames: readonly Variant[], status: DeploymentStatus = 'ready') {
  const team = await db.team.create({ data: { name: `team-${name}` } });
  const user = await db.user.create({
    data: { email: `${name}@example.com`, name, passwordHash: 'x', memberships: { create: { teamId: team.id, role: 'member' } } },
  });
  const machine = await db.machineType.upsert({
    where: { name: 'cpu-small' },
    update: {},
    create: { name: 'cpu-small', vcpu: 1, memoryMb: 2048, hourlyCost: 0.05 },
  });
  const model = await db.model.create({
    data: {
      name,
      teamId: team.id,
      versions: {
        create: {
          label: 1,
          digest: randomUUID().replace(/-/g, '').padEnd(64, '0'),
          sizeBytes: 1,
          format: 'onnx',
          filename: 'iris.onnx',
          uploadedById: user.id,
          status: 'ready',
        },
      },
    },
    include: { versions: true },
  });
  const deployment = await db.deployment.create({
    data: {
      name,
      modelId: model.id,
      teamId: team.id,
      status,
      variants: {
        create: variantNames.map((v) => ({
          name: v,
          templateKey: `${v}/${at(model.versions, 0).id}/${machine.id}`,
          versionId: at(model.versions, 0).id,
          machineTypeId: machine.id,
          replicas: 1,
        })),
      },
    },
    include: { variants: true },
  });
  const key = generateApiKey();
  await db.apiKey.create({ data: { name: 'test', prefix: key.prefix, hash: key.hash, userId: user.id } });
  const limited = generateApiKey();
  await db.apiKey.create({ data: { name: 'limited', prefix: limited.prefix, hash: limited.hash, userId: user.id, rateLimitPerSecond: 2 } });
  return {
    deployment,
    teamId: team.id,
    key: key.key,
    limitedKey: limited.key,
    variantIds: Object.fromEntries(deployment.variants.map((v) => [v.name, v.id])) as Record<Variant, string>,
  };
}
