import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { unpackArtifact, uploadDetailsSchema } from '@slipway/artifacts';
import type { BlobStore } from '@slipway/storage';

/**
 * Unpacked artifacts on this host, one folder per digest: a restart or a scale-up of the same
 * version loads from here, without fetching or unpacking again. Concurrent callers share one unpack.
 */
export class ArtifactCache {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly store: BlobStore,
    private readonly root: string,
  ) {}

  /** The folder holding the unpacked artifact. */
  materialize(version: { digest: string; filename: string }): Promise<string> {
    const dir = path.join(this.root, version.digest);
    if (existsSync(dir)) return Promise.resolve(dir);
    let unpacking = this.pending.get(version.digest);
    if (!unpacking) {
      unpacking = this.unpack(version, dir).finally(() => this.pending.delete(version.digest));
      this.pending.set(version.digest, unpacking);
    }
    return unpacking;
  }

  /** The ONNX file to load; versions registered before archives existed are plain `.onnx`, unpacked as model.onnx. */
  async modelPath(version: { digest: string; filename: string; details: unknown }): Promise<{ root: string; modelPath: string }> {
    const root = await this.materialize(version);
    return { root, modelPath: path.join(root, ...modelFile(version).split('/')) };
  }

  private async unpack(version: { digest: string; filename: string }, dir: string): Promise<string> {
    await mkdir(this.root, { recursive: true });
    const archivePath = await this.store.localPath(version.digest);
    try {
      await unpackArtifact({ archivePath, filename: version.filename, destDir: dir });
    } catch (error) {
      // Another process (a second worker on this host) may have unpacked it first.
      if (!existsSync(dir)) throw error;
    }
    return dir;
  }
}

/** The ONNX file's path inside the unpacked artifact ('/'-separated), known from the upload without unpacking. */
export function modelFile(version: { details: unknown }): string {
  const details = uploadDetailsSchema.safeParse(version.details);
  return details.success ? details.data.modelFile : 'model.onnx';
}
