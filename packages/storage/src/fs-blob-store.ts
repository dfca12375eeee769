import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, BlobTooLargeError, DIGEST_PATTERN, type BlobStore, type StagedBlob } from './blob-store';

/** Blobs live at `<root>/sha256/<aa>/<digest>`; uploads land in `<root>/staging` first. */
export class FsBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  blobPath(digest: string): string {
    if (!DIGEST_PATTERN.test(digest)) throw new Error(`not a sha256 digest: ${digest}`);
    return path.join(this.root, 'sha256', digest.slice(0, 2), digest);
  }

  async stage(source: AsyncIterable<Uint8Array> | Readable, options: { maxBytes?: number } = {}): Promise<StagedBlob> {
    const stagingDir = path.join(this.root, 'staging');
    await mkdir(stagingDir, { recursive: true });
    const tempPath = path.join(stagingDir, randomUUID());
    const hash = createHash('sha256');
    let sizeBytes = 0;
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sizeBytes += chunk.length;
        if (sizeBytes > maxBytes) return callback(new BlobTooLargeError(maxBytes));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(tempPath, { flags: 'wx' }));
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
    const digest = hash.digest('hex');
    const finalPath = this.blobPath(digest);
    return {
      digest,
      sizeBytes,
      commit: async () => {
        await mkdir(path.dirname(finalPath), { recursive: true });
        // Same digest means same bytes: replacing an existing blob is harmless and atomic.
        await rename(tempPath, finalPath);
      },
      discard: () => rm(tempPath, { force: true }),
    };
  }

  async has(digest: string): Promise<boolean> {
    try {
      await access(this.blobPath(digest));
      return true;
    } catch {
      return false;
    }
  }

  async localPath(digest: string): Promise<string> {
    if (!(await this.has(digest))) throw new BlobNotFoundError(digest);
    return this.blobPath(digest);
  }

  async delete(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }
}
