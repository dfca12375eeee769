-- AlterTable
ALTER TABLE "Replica" ADD COLUMN     "token" TEXT;

-- AlterTable
ALTER TABLE "Variant" ADD COLUMN     "replicaToken" TEXT;
