-- AlterTable
ALTER TABLE "LatencyRollup" ADD COLUMN     "clientErrors" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ReplicaResourceSample" (
    "id" UUID NOT NULL,
    "replicaId" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "cpuPercent" DOUBLE PRECISION NOT NULL,
    "rssBytes" BIGINT NOT NULL,

    CONSTRAINT "ReplicaResourceSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReplicaResourceSample_replicaId_at_idx" ON "ReplicaResourceSample"("replicaId", "at");

-- CreateIndex
CREATE INDEX "ReplicaResourceSample_at_idx" ON "ReplicaResourceSample"("at");

-- AddForeignKey
ALTER TABLE "ReplicaResourceSample" ADD CONSTRAINT "ReplicaResourceSample_replicaId_fkey" FOREIGN KEY ("replicaId") REFERENCES "Replica"("id") ON DELETE CASCADE ON UPDATE CASCADE;

