-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "example" JSONB;

