-- CreateEnum
CREATE TYPE "VariantRole" AS ENUM ('primary', 'candidate', 'shadow');

-- AlterEnum
ALTER TYPE "ReplicaState" ADD VALUE 'draining';

-- DropIndex
DROP INDEX "Variant_deploymentId_name_key";

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "rollout" JSONB,
ADD COLUMN     "stableRevision" INTEGER,
ADD COLUMN     "rolloutPaused" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "rolloutPromoted" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "targetRevision" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Variant" ADD COLUMN     "retiredAt" TIMESTAMP(3),
ADD COLUMN     "role" "VariantRole" NOT NULL DEFAULT 'primary',
ADD COLUMN     "templateKey" TEXT;
UPDATE "Variant" SET "templateKey" = "name" || '/' || "versionId" || '/' || "machineTypeId";
ALTER TABLE "Variant" ALTER COLUMN "templateKey" SET NOT NULL;

-- AlterTable
ALTER TABLE "Replica" ADD COLUMN     "reason" TEXT;

-- CreateTable
CREATE TABLE "DeploymentRevision" (
    "id" UUID NOT NULL,
    "deploymentId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "spec" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeploymentRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShadowRollup" (
    "id" UUID NOT NULL,
    "variantId" UUID NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowEnd" TIMESTAMP(3) NOT NULL,
    "mirrored" INTEGER NOT NULL,
    "agreed" INTEGER NOT NULL,
    "disagreed" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "buckets" INTEGER[],
    "sumMs" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "ShadowRollup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DeploymentRevision_deploymentId_number_key" ON "DeploymentRevision"("deploymentId", "number");

-- CreateIndex
CREATE INDEX "ShadowRollup_variantId_windowStart_idx" ON "ShadowRollup"("variantId", "windowStart");

-- CreateIndex
CREATE UNIQUE INDEX "Variant_deploymentId_templateKey_key" ON "Variant"("deploymentId", "templateKey");

-- AddForeignKey
ALTER TABLE "DeploymentRevision" ADD CONSTRAINT "DeploymentRevision_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShadowRollup" ADD CONSTRAINT "ShadowRollup_variantId_fkey" FOREIGN KEY ("variantId") REFERENCES "Variant"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Existing deployments get their current variants as revision 1.
INSERT INTO "DeploymentRevision" ("id", "deploymentId", "number", "spec", "reason", "author")
SELECT gen_random_uuid(), d."id", 1,
  jsonb_build_object(
    'variants', (SELECT jsonb_agg(jsonb_build_object(
        'name', v."name", 'role', 'primary', 'versionDigest', mv."digest", 'versionLabel', mv."label",
        'machineType', mt."name", 'replicas', v."replicas", 'weight', v."trafficWeight", 'mirrorPercent', v."mirrorPercent")
        ORDER BY v."createdAt")
      FROM "Variant" v JOIN "ModelVersion" mv ON mv."id" = v."versionId" JOIN "MachineType" mt ON mt."id" = v."machineTypeId"
      WHERE v."deploymentId" = d."id"),
    'strategy', jsonb_build_object('type', 'blue-green')),
  'created', 'migration'
FROM "Deployment" d WHERE EXISTS (SELECT 1 FROM "Variant" v WHERE v."deploymentId" = d."id");
UPDATE "Deployment" d SET "targetRevision" = 1, "stableRevision" = CASE WHEN d."status" = 'ready' THEN 1 ELSE NULL END
WHERE EXISTS (SELECT 1 FROM "DeploymentRevision" r WHERE r."deploymentId" = d."id");
