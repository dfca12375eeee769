import path from 'node:path';
import { z } from 'zod';
import type { BlobStore } from './blob-store';
import { FsBlobStore } from './fs-blob-store';
import { S3BlobStore } from './s3-blob-store';

export const blobStoreConfigSchema = z.discriminatedUnion('backend', [
  z.object({ backend: z.literal('fs'), root: z.string().min(1) }),
  z
    .object({
      backend: z.literal('s3'),
      bucket: z.string().min(1),
      prefix: z.string().default(''),
      endpoint: z.url({ protocol: /^https?$/ }).optional(),
      region: z.string().min(1).default('us-east-1'),
      forcePathStyle: z.boolean().default(false),
      // Both absent: the AWS SDK's default credential chain (instance role, profile, ...).
      accessKeyId: z.string().min(1).optional(),
      secretAccessKey: z.string().min(1).optional(),
      cacheDir: z.string().min(1),
    })
    .refine((config) => (config.accessKeyId === undefined) === (config.secretAccessKey === undefined), {
      message: 'set both accessKeyId and secretAccessKey, or neither',
    }),
]);

export type BlobStoreConfig = z.input<typeof blobStoreConfigSchema>;

export function createBlobStore(config: BlobStoreConfig): BlobStore {
  const parsed = blobStoreConfigSchema.parse(config);
  if (parsed.backend === 'fs') return new FsBlobStore(parsed.root);
  const { accessKeyId, secretAccessKey, ...s3 } = parsed;
  return new S3BlobStore({
    ...s3,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
  });
}

/**
 * Reads SLIPWAY_STORAGE (fs, the default, or s3), SLIPWAY_S3_{BUCKET,ENDPOINT,REGION,PREFIX,FORCE_PATH_STYLE}
 * and AWS_{ACCESS_KEY_ID,SECRET_ACCESS_KEY}; empty variables count as unset.
 */
export function blobStoreConfigFromEnv(env: Record<string, string | undefined>, defaults: { dataDir: string }): BlobStoreConfig {
  try {
    return blobStoreConfigSchema.parse(rawConfigFromEnv(env, defaults));
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    throw new Error(`invalid blob storage settings (SLIPWAY_STORAGE, SLIPWAY_S3_*, AWS_*):\n${z.prettifyError(error)}`);
  }
}

function rawConfigFromEnv(env: Record<string, string | undefined>, { dataDir }: { dataDir: string }) {
  const get = (name: string) => env[name] || undefined;
  const backend = get('SLIPWAY_STORAGE') ?? 'fs';
  if (backend !== 's3') return { backend, root: path.resolve(dataDir, 'blobs') };
  return {
    backend,
    bucket: get('SLIPWAY_S3_BUCKET'),
    prefix: get('SLIPWAY_S3_PREFIX'),
    endpoint: get('SLIPWAY_S3_ENDPOINT'),
    region: get('SLIPWAY_S3_REGION'),
    forcePathStyle: z.stringbool({ error: 'SLIPWAY_S3_FORCE_PATH_STYLE must be true or false' }).optional().parse(get('SLIPWAY_S3_FORCE_PATH_STYLE')),
    accessKeyId: get('AWS_ACCESS_KEY_ID'),
    secretAccessKey: get('AWS_SECRET_ACCESS_KEY'),
    cacheDir: path.resolve(dataDir, 'blob-cache'),
  };
}
