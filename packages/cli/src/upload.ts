import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import type { SlipwayClient, Version } from '@slipway/client';
import { toSlipwayError } from '@slipway/client';
import { SingleBar } from 'cli-progress';
import * as tus from 'tus-js-client';
import { Upload, type UrlStorage } from 'tus-js-client';

// Node's build exports a file-backed URL store that the published types (written for browsers) leave out.
const { FileUrlStorage } = tus as unknown as { FileUrlStorage: new (file: string) => UrlStorage };

/** The server's chunk size for tus (small enough for proxies that limit request bodies). */
const CHUNK_SIZE = 8 * 1024 * 1024;

/**
 * Uploads an artifact with tus: a dropped connection is retried, and running the same command again
 * after an interruption continues from the last byte the server has (the upload URL is remembered in
 * `resumeStore`, keyed by the file's path, size and modification time). A progress bar on a TTY.
 */
export async function uploadArtifact(
  client: SlipwayClient,
  input: { model: string; file: string; resumeStore: string; tty: boolean; log: (line: string) => void },
): Promise<{ version: Version; deduplicated: boolean }> {
  const size = statSync(input.file).size;
  const filename = path.basename(input.file);
  const bar = input.tty ? new SingleBar({ format: `${filename} [{bar}] {percentage}% {value}/{total} MiB  eta {eta_formatted}`, hideCursor: true }) : null;
  const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  return new Promise((resolve, reject) => {
    const upload = new Upload(createReadStream(input.file), {
      endpoint: `${client.url}/api/v1/uploads`,
      headers: client.authHeaders(),
      metadata: { filename, model: input.model },
      chunkSize: CHUNK_SIZE,
      uploadSize: size,
      retryDelays: [0, 1000, 3000, 5000],
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      urlStorage: new FileUrlStorage(input.resumeStore),
      onProgress: (sent, total) => bar?.update(mib(sent), { total: mib(total) }),
      onSuccess: ({ lastResponse }) => {
        bar?.stop();
        resolve(JSON.parse(lastResponse.getBody()) as { version: Version; deduplicated: boolean });
      },
      onError: (error) => {
        bar?.stop();
        // A refusal (unknown model, file type, quota, a bad archive) carries the API's error body.
        const response = (error as { originalResponse?: { getStatus(): number; getBody(): string } }).originalResponse;
        reject(response ? toSlipwayError(response.getStatus(), response.getBody()) : error);
      },
    });
    upload
      .findPreviousUploads()
      .then((previous) => {
        if (previous[0]) {
          input.log(`resuming the upload of ${filename} started ${new Date(previous[0].creationTime).toLocaleString()}`);
          upload.resumeFromPreviousUpload(previous[0]);
        }
        bar?.start(mib(size), 0);
        upload.start();
      })
      .catch(reject);
  });
}

/** Waits until the worker has inspected the version: ready to deploy, or failed with the reason. */
export async function waitInspected(client: SlipwayClient, model: string, label: number, pollMs = 500): Promise<Version> {
  for (;;) {
    const version = await client.version(model, label);
    if (version.status === 'ready' || version.status === 'failed') return version;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
