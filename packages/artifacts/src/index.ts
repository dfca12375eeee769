export { ARTIFACT_ERROR_CODES, ArtifactError, type ArtifactErrorCode } from './errors';
export { DEFAULT_UNPACK_LIMITS, type UnpackLimits } from './limits';
export { checkManifestAgainstSignature, slipwayManifestSchema, type SlipwayManifest } from './manifest';
export type { MlflowModel } from './mlflow';
export { declaredSignatureSchema, type PythonArtifact } from './python-model';
export { computeReferenceStats } from './reference-stats';
export type { ArtifactFile } from './staging-dir';
export { inspectArtifact, uploadDetails, uploadDetailsSchema, type InspectOptions } from './inspect';
export { unpackArtifact, type UnpackOptions, type UnpackedArtifact } from './unpack';
