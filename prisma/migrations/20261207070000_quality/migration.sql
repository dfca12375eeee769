-- CreateTable
CREATE TABLE "QualitySettings" (
    "deploymentId" UUID NOT NULL,
    "capturePercent" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "captureMaxBytes" INTEGER NOT NULL DEFAULT 65536,
    "redactFields" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "captureRetentionDays" INTEGER NOT NULL DEFAULT 30,
    "ledgerRetentionDays" INTEGER NOT NULL DEFAULT 90,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "QualitySettings_pkey" PRIMARY KEY ("deploymentId")
);

-- CreateTable
CREATE TABLE "CaptureBatch" (
    "id" UUID NOT NULL,
    "deploymentId" UUID NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "digest" TEXT NOT NULL,
    "records" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "firstAt" TIMESTAMP(3) NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaptureBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Prediction" (
    "deploymentId" UUID NOT NULL,
    "requestId" TEXT NOT NULL,
    "variantId" UUID NOT NULL,
    "label" TEXT,
    "value" DOUBLE PRECISION,
    "confidence" DOUBLE PRECISION,
    "answeredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Prediction_pkey" PRIMARY KEY ("deploymentId","requestId")
);

-- CreateTable
CREATE TABLE "Feedback" (
    "deploymentId" UUID NOT NULL,
    "requestId" TEXT NOT NULL,
    "label" TEXT,
    "value" DOUBLE PRECISION,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Feedback_pkey" PRIMARY KEY ("deploymentId","requestId")
);

-- CreateIndex
CREATE INDEX "CaptureBatch_deploymentId_hour_idx" ON "CaptureBatch"("deploymentId", "hour");

-- CreateIndex
CREATE INDEX "Prediction_deploymentId_answeredAt_idx" ON "Prediction"("deploymentId", "answeredAt");

-- CreateIndex
CREATE INDEX "Feedback_deploymentId_receivedAt_idx" ON "Feedback"("deploymentId", "receivedAt");

