-- AlterTable
ALTER TABLE "Replica" ADD COLUMN     "framedAddress" TEXT;
