import type { Queue } from 'bullmq';
import { log } from './log';

/** `processedBy` as workers name themselves: `host:pid`. */
export function ownerOf(processedBy: string | undefined): { host: string; pid: number } | undefined {
  if (!processedBy) return undefined;
  const at = processedBy.lastIndexOf(':');
  const pid = Number(processedBy.slice(at + 1));
  return at > 0 && Number.isInteger(pid) && pid > 0 ? { host: processedBy.slice(0, at), pid } : undefined;
}

/**
 * Active jobs whose worker is known to be dead: it ran on this host (where its process can be looked up) as
 * another process than this one, and that process is gone. Their locks would hold them for seconds more.
 */
export function jobsOfDeadOwners<J extends { id?: string; processedBy?: string }>(
  jobs: readonly J[],
  host: string,
  self: number,
  isAlive: (pid: number) => boolean,
): J[] {
  return jobs.filter((job) => {
    const owner = ownerOf(job.processedBy);
    return owner !== undefined && owner.host === host && owner.pid !== self && !isAlive(owner.pid);
  });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Explicit hand-off: the active jobs of a dead worker process on this host go back to waiting at once (with the
 * dead owner's lock token, read from its lock), so this worker (its restarted self or a sibling) resumes them
 * in well under a second instead of after the lock expires. Workers on other hosts rely on the short lock.
 */
export async function handOffDeadOwners(queue: Queue, host: string, isAlive = processAlive): Promise<string[]> {
  const dead = jobsOfDeadOwners(await queue.getActive(), host, process.pid, isAlive);
  if (dead.length === 0) return [];
  const client = await queue.client;
  const moved: string[] = [];
  for (const job of dead) {
    const token = await client.get(`${queue.toKey(job.id!)}:lock`);
    if (!token) continue;
    try {
      await job.moveToWait(token);
      moved.push(job.id!);
    } catch (err) {
      // The lock expired or another worker moved it first: it resumes anyway.
      log.debug({ err, job: job.id }, 'handing off a job failed');
    }
  }
  if (moved.length > 0) log.info({ queue: queue.name, jobs: moved }, 'resumed jobs of a worker process that died');
  return moved;
}
