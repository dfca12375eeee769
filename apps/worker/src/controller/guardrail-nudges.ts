import { guardrailNudgeSchema, type JobProducer } from '@slipway/queue';
import { log } from '../log';

/** Nudges closer together than this for one deployment are one: its pass reads the counters of all of them. */
const COALESCE_MS = 50;

/**
 * A gateway's nudge (a canary candidate failed requests) runs the deployment's reconcile job now, out of its
 * wait: the step is judged on the live counters at once, and a breach rolls back within a fraction of a second.
 */
export class GuardrailNudges {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly producer: Pick<JobProducer, 'enqueue'>,
    private readonly clock: () => number = Date.now,
  ) {}

  receive(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    const nudge = guardrailNudgeSchema.safeParse(parsed);
    if (!nudge.success) return;
    const { deploymentId } = nudge.data;
    const now = this.clock();
    if (now - (this.last.get(deploymentId) ?? Number.NEGATIVE_INFINITY) < COALESCE_MS) return;
    this.last.set(deploymentId, now);
    if (this.last.size > 10_000) this.last.clear();
    void this.producer
      .enqueue('reconcileDeployment', { deploymentId }, { promoteDelayed: true })
      .catch((err) => log.error({ err, deploymentId }, 'judging a canary on a nudge failed'));
  }
}
