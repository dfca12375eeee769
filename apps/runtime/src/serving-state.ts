/** Requests in flight and whether the replica is draining: read by readiness and metrics, awaited by a drain. */
export class ServingState {
  private active = 0;
  private isDraining = false;
  private onIdle: (() => void) | undefined;

  get inFlight(): number {
    return this.active;
  }

  get draining(): boolean {
    return this.isDraining;
  }

  begin(): void {
    this.active++;
  }

  end(): void {
    this.active--;
    if (this.isDraining && this.active === 0) this.onIdle?.();
  }

  /** Marks the replica draining (readiness answers 503) and resolves once no request is in flight, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void> {
    this.isDraining = true;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.onIdle = () => {
        clearTimeout(timer);
        resolve();
      };
      if (this.active === 0) this.onIdle();
    });
  }
}
