-- CreateTable
CREATE TABLE "DriftWindow" (
    "id" UUID NOT NULL,
    "variantId" UUID NOT NULL,
    "feature" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowEnd" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "sketch" JSONB NOT NULL,

    CONSTRAINT "DriftWindow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DriftBaseline" (
    "id" UUID NOT NULL,
    "versionId" UUID NOT NULL,
    "from" TIMESTAMP(3) NOT NULL,
    "to" TIMESTAMP(3) NOT NULL,
    "features" JSONB NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DriftBaseline_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DriftWindow_variantId_windowStart_idx" ON "DriftWindow"("variantId", "windowStart");

-- CreateIndex
CREATE UNIQUE INDEX "DriftWindow_variantId_feature_windowStart_key" ON "DriftWindow"("variantId", "feature", "windowStart");

-- CreateIndex
CREATE UNIQUE INDEX "DriftBaseline_versionId_key" ON "DriftBaseline"("versionId");

-- AddForeignKey
ALTER TABLE "DriftWindow" ADD CONSTRAINT "DriftWindow_variantId_fkey" FOREIGN KEY ("variantId") REFERENCES "Variant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DriftBaseline" ADD CONSTRAINT "DriftBaseline_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

