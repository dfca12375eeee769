-- The process's CPU seconds so far: the next sample of a replica read over HTTP (a pod) is a rate against it.
ALTER TABLE "ReplicaResourceSample" ADD COLUMN "cpuSeconds" DOUBLE PRECISION;
