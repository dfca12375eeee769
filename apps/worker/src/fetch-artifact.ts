// The init container of a replica pod (kubernetes driver): puts the version's artifact into the pod's cache volume.
import { blobStoreConfigFromEnv, createBlobStore } from '@slipway/storage';
import { z } from 'zod';
import { fetchArtifact } from './drivers/kubernetes/fetch-artifact';
import { createLogger } from '@slipway/log';

const env = z
  .object({
    SLIPWAY_ARTIFACT_DIGEST: z.string().regex(/^[a-f0-9]{64}$/),
    SLIPWAY_ARTIFACT_FILENAME: z.string().min(1),
    SLIPWAY_ARTIFACT_CACHE: z.string().min(1),
    SLIPWAY_DATA_DIR: z.string().min(1),
  })
  .parse(process.env);

const dir = await fetchArtifact({
  store: createBlobStore(blobStoreConfigFromEnv(process.env, { dataDir: env.SLIPWAY_DATA_DIR })),
  cacheRoot: env.SLIPWAY_ARTIFACT_CACHE,
  digest: env.SLIPWAY_ARTIFACT_DIGEST,
  filename: env.SLIPWAY_ARTIFACT_FILENAME,
});
createLogger({ process: 'fetch-artifact' }).info({ digest: env.SLIPWAY_ARTIFACT_DIGEST, dir }, 'artifact ready');
