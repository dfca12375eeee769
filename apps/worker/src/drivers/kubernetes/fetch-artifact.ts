import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '@slipway/storage';
import { ArtifactCache } from '../../artifact-cache';

/**
 * What a replica pod's init container does: fetch the artifact by digest from the blob store, check that its
 * bytes hash to that digest (whatever the backend), and unpack it into the pod's cache volume as the worker would.
 * Returns the unpacked folder.
 */
export async function fetchArtifact(options: { store: BlobStore; cacheRoot: string; digest: string; filename: string }): Promise<string> {
  const file = await options.store.localPath(options.digest);
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  const actual = hash.digest('hex');
  if (actual !== options.digest) throw new Error(`artifact sha256:${options.digest} is corrupt: its bytes hash to sha256:${actual}`);
  return new ArtifactCache(options.store, options.cacheRoot).materialize({ digest: options.digest, filename: options.filename });
}
