-- AlterTable
ALTER TABLE "AlertRule" ADD COLUMN "feature" TEXT;

-- CreateIndex
CREATE INDEX "AlertEvent_ruleId_idx" ON "AlertEvent"("ruleId");
