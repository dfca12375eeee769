-- CreateTable
CREATE TABLE "GraphDeployment" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "teamId" UUID NOT NULL,
    "currentRevision" INTEGER NOT NULL DEFAULT 1,
    "brokenReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GraphDeployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GraphRevision" (
    "id" UUID NOT NULL,
    "graphId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "spec" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GraphRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GraphTrace" (
    "id" UUID NOT NULL,
    "graphId" UUID NOT NULL,
    "traceId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "status" INTEGER NOT NULL,
    "durationMs" DOUBLE PRECISION NOT NULL,
    "failed" BOOLEAN NOT NULL,
    "steps" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GraphTrace_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "GraphDeployment_name_key" ON "GraphDeployment"("name");

-- CreateIndex
CREATE UNIQUE INDEX "GraphRevision_graphId_number_key" ON "GraphRevision"("graphId", "number");

-- CreateIndex
CREATE INDEX "GraphTrace_graphId_createdAt_idx" ON "GraphTrace"("graphId", "createdAt");

-- CreateIndex
CREATE INDEX "GraphTrace_traceId_idx" ON "GraphTrace"("traceId");

-- AddForeignKey
ALTER TABLE "GraphDeployment" ADD CONSTRAINT "GraphDeployment_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GraphRevision" ADD CONSTRAINT "GraphRevision_graphId_fkey" FOREIGN KEY ("graphId") REFERENCES "GraphDeployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GraphTrace" ADD CONSTRAINT "GraphTrace_graphId_fkey" FOREIGN KEY ("graphId") REFERENCES "GraphDeployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

