import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { BlobStore } from './blob-store';

/**
 * Capture files are gzip JSON Lines members in the blob store, in time order. Concatenated gzip members are one
 * valid gzip stream, so a download of a time range is the members' bytes one after the other.
 */
export function concatenateBlobs(store: BlobStore, digests: readonly string[]): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      for (const digest of digests) {
        const part = await store.createReadStream(digest);
        for await (const chunk of part) if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
      }
      out.end();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return out;
}

/** The JSON records of capture files, in order, read as a stream (never a whole file in memory). */
export async function* readJsonLines(store: BlobStore, digests: readonly string[]): AsyncGenerator<unknown> {
  for (const digest of digests) {
    const lines = createInterface({ input: (await store.createReadStream(digest)).pipe(createGunzip()), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) if (line.length > 0) yield JSON.parse(line);
  }
}
