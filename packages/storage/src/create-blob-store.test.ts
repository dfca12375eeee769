import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobStoreConfigFromEnv, createBlobStore } from './create-blob-store';
import { FsBlobStore } from './fs-blob-store';
import { S3BlobStore } from './s3-blob-store';

const dataDir = '/var/lib/slipway';

describe('blobStoreConfigFromEnv', () => {
  it('defaults to the filesystem under the data directory', () => {
    expect(blobStoreConfigFromEnv({}, { dataDir })).toEqual({ backend: 'fs', root: path.join(dataDir, 'blobs') });
  });

  it('reads the S3 settings, with defaults for the optional ones', () => {
    expect(blobStoreConfigFromEnv({ SLIPWAY_STORAGE: 's3', SLIPWAY_S3_BUCKET: 'models', SLIPWAY_S3_ENDPOINT: '' }, { dataDir })).toEqual({
      backend: 's3',
      bucket: 'models',
      prefix: '',
      region: 'us-east-1',
      forcePathStyle: false,
      cacheDir: path.join(dataDir, 'blob-cache'),
    });
    expect(
      blobStoreConfigFromEnv(
        {
          SLIPWAY_STORAGE: 's3',
          SLIPWAY_S3_BUCKET: 'models',
          SLIPWAY_S3_ENDPOINT: 'http://minio:9000',
          SLIPWAY_S3_REGION: 'eu-west-3',
          SLIPWAY_S3_PREFIX: 'slipway/',
          SLIPWAY_S3_FORCE_PATH_STYLE: 'true',
          AWS_ACCESS_KEY_ID: 'key',
          AWS_SECRET_ACCESS_KEY: 'secret',
        },
        { dataDir },
      ),
    ).toMatchObject({ endpoint: 'http://minio:9000', region: 'eu-west-3', prefix: 'slipway/', forcePathStyle: true, accessKeyId: 'key' });
  });

  it('rejects incomplete or unknown settings', () => {
    expect(() => blobStoreConfigFromEnv({ SLIPWAY_STORAGE: 's3' }, { dataDir })).toThrow(/bucket/);
    expect(() => blobStoreConfigFromEnv({ SLIPWAY_STORAGE: 's3', SLIPWAY_S3_BUCKET: 'b', AWS_ACCESS_KEY_ID: 'key' }, { dataDir })).toThrow(
      /both accessKeyId and secretAccessKey/,
    );
    expect(() => blobStoreConfigFromEnv({ SLIPWAY_STORAGE: 's3', SLIPWAY_S3_BUCKET: 'b', SLIPWAY_S3_FORCE_PATH_STYLE: 'maybe' }, { dataDir })).toThrow(
      /SLIPWAY_S3_FORCE_PATH_STYLE/,
    );
    expect(() => blobStoreConfigFromEnv({ SLIPWAY_STORAGE: 's3', SLIPWAY_S3_BUCKET: 'b', SLIPWAY_S3_ENDPOINT: 'minio:9000' }, { dataDir })).toThrow(/endpoint/);
    expect(() => blobStoreConfigFromEnv({ SLIPWAY_STORAGE: 'gcs' }, { dataDir })).toThrow(/SLIPWAY_STORAGE/);
  });
});

describe('createBlobStore', () => {
  it('builds the configured backend', () => {
    expect(createBlobStore({ backend: 'fs', root: '/tmp/blobs' })).toBeInstanceOf(FsBlobStore);
    expect(createBlobStore({ backend: 's3', bucket: 'models', region: 'us-east-1', cacheDir: '/tmp/cache' })).toBeInstanceOf(S3BlobStore);
  });
});
