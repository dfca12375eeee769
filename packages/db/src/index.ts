export { generateApiKey, hashApiKey } from './api-keys';
export { createDb, type Db } from './client';
export { hashPassword, verifyPassword } from './passwords';
export * from './generated/client';
export { deploymentOpenApi, loadDeploymentDocs, type DeploymentDocs, type DocumentedVersion } from './deployment-docs';
export { driftingFeatures, loadDriftReferences, loadDriftWindows } from './drift';
export { accuracySince, loadQualityReport, recordFeedback, variantQuality, type QualityWindow, type VariantQuality } from './quality';
export { pruneQuality } from './quality-retention';
