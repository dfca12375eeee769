import type { InFlightTracker } from './in-flight';
import type { ShadowStats } from './shadow';

/** Gateway counters in the Prometheus text format. */
export class GatewayMetrics {
  private readonly requests = new Map<string, number>();

  countRequest(deployment: string, variantId: string, status: number): void {
    const key = `deployment="${deployment}",variant="${variantId}",code="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  /** `sections`: lines other components render (the hold, the waker). */
  render(inFlight: InFlightTracker, shadows: ShadowStats, variantIds: Iterable<string>, sections: string[][] = []): string {
    const lines = [
      '# HELP slipway_gateway_requests_total Requests forwarded, by deployment, variant and status.',
      '# TYPE slipway_gateway_requests_total counter',
    ];
    for (const [labels, n] of this.requests) lines.push(`slipway_gateway_requests_total{${labels}} ${n}`);
    lines.push('# HELP slipway_gateway_in_flight Requests in flight per variant.', '# TYPE slipway_gateway_in_flight gauge');
    for (const id of variantIds) lines.push(`slipway_gateway_in_flight{variant="${id}"} ${inFlight.get(id)}`);
    lines.push('# HELP slipway_shadow_requests_total Mirrored requests by outcome.', '# TYPE slipway_shadow_requests_total counter');
    for (const [id, c] of shadows.byVariant) {
      for (const outcome of ['agreed', 'disagreed', 'failed'] as const) {
        lines.push(`slipway_shadow_requests_total{variant="${id}",outcome="${outcome}"} ${c[outcome]}`);
      }
    }
    for (const section of sections) lines.push(...section);
    return `${lines.join('\n')}\n`;
  }
}

/** A Prometheus histogram of durations in seconds, one series per label set. */
export class SecondsHistogram {
  private readonly series = new Map<string, { cumulative: number[]; sum: number; count: number }>();

  constructor(
    private readonly name: string,
    private readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  observe(labels: string, seconds: number): void {
    let s = this.series.get(labels);
    if (!s) this.series.set(labels, (s = { cumulative: this.bounds.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.bounds.length; i++) if (seconds <= this.bounds[i]!) s.cumulative[i]!++;
    s.sum += seconds;
    s.count++;
  }

  lines(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [labels, s] of this.series) {
      for (const [i, bound] of this.bounds.entries()) lines.push(`${this.name}_bucket{${labels},le="${bound}"} ${s.cumulative[i]}`);
      lines.push(`${this.name}_bucket{${labels},le="+Inf"} ${s.count}`, `${this.name}_sum{${labels}} ${s.sum}`, `${this.name}_count{${labels}} ${s.count}`);
    }
    return lines;
  }
}
