/**
 * Outlier detection: a replica that refused a connection or answered 5xx is taken out of
 * rotation for a while, then tried again. Keeps one dead replica from costing every Nth request.
 */
export class OutlierDetector {
  private readonly ejectedUntil = new Map<string, number>();

  constructor(private readonly ejectionMs = 10_000) {}

  eject(address: string, now = Date.now()): void {
    this.ejectedUntil.set(address, now + this.ejectionMs);
  }

  isEjected(address: string, now = Date.now()): boolean {
    const until = this.ejectedUntil.get(address);
    if (until === undefined) return false;
    if (until > now) return true;
    this.ejectedUntil.delete(address);
    return false;
  }
}
