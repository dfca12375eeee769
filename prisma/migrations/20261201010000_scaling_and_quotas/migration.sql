-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "gpuQuota" JSONB,
ADD COLUMN     "memoryQuotaMb" INTEGER,
ADD COLUMN     "replicaQuota" INTEGER,
ADD COLUMN     "vcpuQuota" INTEGER;

-- CreateTable
CREATE TABLE "ScaleSample" (
    "id" UUID NOT NULL,
    "variantId" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "inFlight" DOUBLE PRECISION NOT NULL,
    "ready" INTEGER NOT NULL,
    "desired" INTEGER NOT NULL,

    CONSTRAINT "ScaleSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ScaleSample_variantId_at_idx" ON "ScaleSample"("variantId", "at");

-- AddForeignKey
ALTER TABLE "ScaleSample" ADD CONSTRAINT "ScaleSample_variantId_fkey" FOREIGN KEY ("variantId") REFERENCES "Variant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

