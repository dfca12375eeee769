import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createDb, type Db } from '@slipway/db';
import { FsBlobStore } from '@slipway/storage';
import { requireTestEnv } from '@slipway/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGarbage } from './collect-garbage';

describe('garbage collection of blobs', () => {
  const env = requireTestEnv();
  let db: Db;
  let store: FsBlobStore;

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 2 });
    store = new FsBlobStore(await mkdtemp(path.join(tmpdir(), 'slipway-gc-')));
  });
  afterAll(() => db?.$disconnect());

  async function blob(content: string): Promise<string> {
    const staged = await store.stage(Readable.from([Buffer.from(content)]));
    await staged.commit();
    return staged.digest;
  }

  it('deletes unreferenced blobs older than the grace period and keeps every referenced one', async () => {
    const suffix = randomUUID().slice(0, 8);
    const kept = await blob(`referenced ${suffix}`);
    const orphan = await blob(`orphan ${suffix}`);
    const team = await db.team.create({ data: { name: `gc-${suffix}` } });
    const user = await db.user.create({ data: { email: `gc-${suffix}@example.com`, name: 'gc', passwordHash: 'x' } });
    await db.model.create({
      data: {
        name: `gc-${suffix}`,
        teamId: team.id,
        versions: { create: { label: 1, digest: kept, sizeBytes: 10, format: 'onnx', filename: 'm.onnx', uploadedById: user.id, status: 'ready' } },
      },
    });

    // Within the grace period nothing goes: an upload may be between its blob and its row.
    expect((await collectGarbage({ db, store }, 60_000)).deleted).toEqual([]);
    expect(await store.has(orphan)).toBe(true);

    const { deleted } = await collectGarbage({ db, store }, 0);
    expect(deleted).toEqual([orphan]);
    expect(await store.has(orphan)).toBe(false);
    expect(await store.has(kept)).toBe(true);
  });
});
