import type { ServerResponse } from 'node:http';
import type { InFlightTracker } from './in-flight';

/** Where an answered request is recorded (per-deployment metrics, latency rollups). */
export type AnsweredSink = (variantId: string, status: number, latencyMs: number) => void;

/**
 * One request's accounting, set up when it arrives and released in one place, when its response
 * closes, however that happens: answered, refused, the client gone mid-request, the upstream failed,
 * or the hold timed out. The in-flight count (which the autoscaler reads) can therefore never leak.
 */
export class RequestAccounting {
  private variantId: string | undefined;
  private status: number | undefined;
  private started = performance.now();
  private settled = false;

  constructor(
    res: ServerResponse,
    private readonly inFlight: InFlightTracker,
    private readonly onAnswered: AnsweredSink,
  ) {
    res.once('close', () => this.settle());
  }

  /** The request now counts as in flight for this variant (picked for it, or awaited in the hold). */
  assign(variantId: string): void {
    if (this.settled || this.variantId === variantId) return;
    if (this.variantId !== undefined) this.inFlight.leave(this.variantId);
    this.inFlight.enter(variantId);
    this.variantId = variantId;
  }

  /** Latency is measured from here: arrival, or release from the hold. */
  restartClock(): void {
    this.started = performance.now();
  }

  /** Milliseconds since arrival (or release from the hold). */
  elapsedMs(): number {
    return performance.now() - this.started;
  }

  /**
   * An attempt that failed and is retried elsewhere (a canary candidate's 5xx or lost connection, sent on to the
   * primary): recorded at once against the variant that failed, so its failure still counts; the clock restarts
   * for the next attempt.
   */
  attemptFailed(status: number): void {
    if (this.settled || this.variantId === undefined) return;
    this.onAnswered(this.variantId, status, performance.now() - this.started);
    this.restartClock();
  }

  /** A replica answered with this status: recorded when the response closes. */
  answered(status: number): void {
    this.status = status;
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.variantId === undefined) return;
    this.inFlight.leave(this.variantId);
    if (this.status !== undefined) this.onAnswered(this.variantId, this.status, performance.now() - this.started);
  }
}
