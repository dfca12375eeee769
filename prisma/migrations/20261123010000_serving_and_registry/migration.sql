-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "storageQuotaBytes" BIGINT;

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "rateLimitPerSecond" INTEGER;

-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "details" JSONB,
ADD COLUMN     "manifest" JSONB,
ADD COLUMN     "referenceStats" JSONB;

-- AlterTable
ALTER TABLE "Variant" ADD COLUMN     "mirrorPercent" INTEGER NOT NULL DEFAULT 0;

