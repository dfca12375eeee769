import { access, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BlobNotFoundError, DIGEST_PATTERN, type BlobInfo, type BlobStore, type StagedBlob } from './blob-store';
import { stageExistingFile, stageToFile, type StagedFile } from './stage-to-file';

/** Blobs live at `<root>/sha256/<aa>/<digest>`; uploads land in `<root>/staging` first. */
export class FsBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  blobPath(digest: string): string {
    if (!DIGEST_PATTERN.test(digest)) throw new Error(`not a sha256 digest: ${digest}`);
    return path.join(this.root, 'sha256', digest.slice(0, 2), digest);
  }

  async stage(source: AsyncIterable<Uint8Array> | Readable, options: { maxBytes?: number } = {}): Promise<StagedBlob> {
    return this.staged(await stageToFile(source, path.join(this.root, 'staging'), options.maxBytes));
  }

  async stageFile(filePath: string, options: { maxBytes?: number } = {}): Promise<StagedBlob> {
    return this.staged(await stageExistingFile(filePath, path.join(this.root, 'staging'), options.maxBytes));
  }

  private staged(file: StagedFile): StagedBlob {
    const finalPath = this.blobPath(file.digest);
    return {
      ...file,
      commit: async () => {
        await mkdir(path.dirname(finalPath), { recursive: true });
        // Same digest means same bytes: replacing an existing blob is harmless and atomic.
        await rename(file.path, finalPath);
      },
      discard: () => rm(file.path, { force: true }),
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

  async *list(): AsyncIterable<BlobInfo> {
    for (const shard of await readdirOrEmpty(path.join(this.root, 'sha256'))) {
      for (const digest of await readdirOrEmpty(path.join(this.root, 'sha256', shard))) {
        if (!DIGEST_PATTERN.test(digest)) continue;
        // A blob deleted since the readdir is simply not listed.
        const stats = await stat(this.blobPath(digest)).catch(ignoreMissing);
        if (stats) yield { digest, sizeBytes: stats.size, createdAt: stats.mtime };
      }
    }
  }

  async createReadStream(digest: string): Promise<Readable> {
    const handle = await open(this.blobPath(digest)).catch(ignoreMissing);
    if (!handle) throw new BlobNotFoundError(digest);
    return handle.createReadStream();
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(ignoreMissing)) ?? [];
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}
