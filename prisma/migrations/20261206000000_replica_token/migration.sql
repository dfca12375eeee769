-- AlterTable
ALTER TABLE "Replica" ADD COLUMN     "token" TEXT;
