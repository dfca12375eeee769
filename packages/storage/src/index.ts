export * from './blob-store';
export { FsBlobStore } from './fs-blob-store';
export { S3BlobStore, type S3BlobStoreConfig } from './s3-blob-store';
export { blobStoreConfigFromEnv, blobStoreConfigSchema, createBlobStore, type BlobStoreConfig } from './create-blob-store';
export {
  DEFAULT_REPLICA_LOG_CAP_BYTES,
  pruneReplicaLogs,
  readReplicaLog,
  readRotatedReplicaLog,
  replicaLogDir,
  replicaLogPaths,
  ReplicaLogTail,
  ReplicaLogWriter,
} from './replica-log-files';
export { concatenateBlobs, readJsonLines } from './capture-files';
