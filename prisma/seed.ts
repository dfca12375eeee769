import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { inspectArtifact, uploadDetails } from '@slipway/artifacts';
import { at, DEFAULT_MACHINE_CATALOG } from '@slipway/core';
import { hashPassword, type Db } from '@slipway/db';
import type { JobProducer } from '@slipway/queue';
import type { BlobStore } from '@slipway/storage';

export interface SeedOptions {
  adminEmail: string;
  adminPassword: string;
  /** The demo artifact registered as `iris` v1 (models/iris/iris.tar.gz), so a new user has something to deploy. */
  demoArtifactPath: string;
}

/** Idempotent: running it again changes nothing a user made. */
export async function seed(db: Db, store: BlobStore, producer: JobProducer, options: SeedOptions): Promise<void> {
  for (const machine of DEFAULT_MACHINE_CATALOG) {
    await db.machineType.upsert({ where: { name: machine.name }, update: {}, create: machine });
  }
  const team = await db.team.upsert({ where: { name: 'default' }, update: {}, create: { name: 'default' } });
  let admin = await db.user.findUnique({ where: { email: options.adminEmail } });
  if (!admin) {
    admin = await db.user.create({
      data: { email: options.adminEmail, name: 'Admin', isAdmin: true, passwordHash: await hashPassword(options.adminPassword) },
    });
  }
  await db.membership.upsert({
    where: { userId_teamId: { userId: admin.id, teamId: team.id } },
    update: {},
    create: { userId: admin.id, teamId: team.id, role: 'admin' },
  });

  if (!existsSync(options.demoArtifactPath) || (await db.model.findUnique({ where: { name: 'iris' } }))) return;
  const filename = path.basename(options.demoArtifactPath);
  const staged = await store.stage(createReadStream(options.demoArtifactPath));
  const artifact = await inspectArtifact({ archivePath: staged.path, filename });
  const model = await db.model.create({
    data: {
      name: 'iris',
      description: 'Demo: an Iris flower classifier trained by the repo (scripts/make-demo-model.ts).',
      teamId: team.id,
      versions: {
        create: {
          label: 1,
          digest: staged.digest,
          sizeBytes: staged.sizeBytes,
          format: artifact.format,
          filename,
          uploadedById: admin.id,
          manifest: (artifact.manifest ?? undefined) as object | undefined,
          details: uploadDetails(artifact) as object,
        },
      },
    },
    include: { versions: true },
  });
  await staged.commit();
  await producer.enqueue('inspectVersion', { versionId: at(model.versions, 0).id });
}
