import type { Db } from '@slipway/db';
import type { BlobStore } from '@slipway/storage';

/**
 * Deletes blobs that no version (and no capture batch) references. A blob younger than `graceMs` is spared: an upload
 * commits its blob just after writing its version row, and a crash in between leaves an orphan
 * that only age tells apart from an upload in progress.
 */
export async function collectGarbage(deps: { db: Db; store: BlobStore }, graceMs: number): Promise<{ deleted: string[] }> {
  const cutoff = Date.now() - graceMs;
  const deleted: string[] = [];
  for await (const blob of deps.store.list()) {
    if (blob.createdAt.getTime() > cutoff) continue;
    const referenced = await deps.db.modelVersion.count({ where: { digest: blob.digest } });
    if (referenced > 0) continue;
    // Capture files (quality) live in the same store until their retention prunes them.
    if ((await deps.db.captureBatch.count({ where: { digest: blob.digest } })) > 0) continue;
    await deps.store.delete(blob.digest);
    deleted.push(blob.digest);
  }
  return { deleted };
}
