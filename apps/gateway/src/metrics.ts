import { bucketIndex } from '@slipway/core';
import type { InFlightTracker } from './in-flight';
import type { ShadowStats } from './shadow';

const CODE_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
/** Upper bounds in seconds of the request duration histogram: 1 ms to 10 s, Prometheus-style. */
const DURATION_BOUNDS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One variant's counters, found by a map lookup per request: its label string is built once, here. */
class VariantSeries {
  readonly byClass = CODE_CLASSES.map(() => 0);
  /** Per bucket (not cumulative); the last one is +Inf. */
  readonly buckets = new Array<number>(DURATION_BOUNDS_S.length + 1).fill(0);
  sumSeconds = 0;
  count = 0;

  constructor(readonly labels: string) {}

  observe(status: number, seconds: number): void {
    this.byClass[Math.min(Math.max(Math.floor(status / 100) - 1, 0), CODE_CLASSES.length - 1)]!++;
    this.buckets[bucketIndex(seconds, DURATION_BOUNDS_S)]!++;
    this.sumSeconds += seconds;
    this.count++;
  }
}

/** Gateway counters in the Prometheus text format. */
export class GatewayMetrics {
  private readonly series = new Map<string, VariantSeries>();

  /** An answered request: counted by code class and observed in the duration histogram. */
  observe(deployment: string, variantId: string, status: number, latencyMs: number): void {
    let series = this.series.get(variantId);
    if (!series) {
      series = new VariantSeries(`deployment="${deployment}",variant="${variantId}"`);
      this.series.set(variantId, series);
    }
    series.observe(status, latencyMs / 1000);
  }

  /** `sections`: lines other components render (the hold, the waker). */
  render(inFlight: InFlightTracker, shadows: Pick<ShadowStats, 'byVariant'>, variantIds: Iterable<string>, sections: string[][] = []): string {
    const lines = [
      '# HELP slipway_gateway_requests_total Requests answered, by deployment, variant and status code class.',
      '# TYPE slipway_gateway_requests_total counter',
    ];
    for (const s of this.series.values()) {
      for (const [i, codeClass] of CODE_CLASSES.entries()) {
        if (s.byClass[i]) lines.push(`slipway_gateway_requests_total{${s.labels},code_class="${codeClass}"} ${s.byClass[i]}`);
      }
    }
    const duration = 'slipway_gateway_request_duration_seconds';
    lines.push(`# HELP ${duration} Time from arrival (or release from the hold) to the answer.`, `# TYPE ${duration} histogram`);
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (const [i, bound] of DURATION_BOUNDS_S.entries()) {
        cumulative += s.buckets[i]!;
        lines.push(`${duration}_bucket{${s.labels},le="${bound}"} ${cumulative}`);
      }
      lines.push(
        `${duration}_bucket{${s.labels},le="+Inf"} ${s.count}`,
        `${duration}_sum{${s.labels}} ${s.sumSeconds}`,
        `${duration}_count{${s.labels}} ${s.count}`,
      );
    }
    lines.push('# HELP slipway_gateway_in_flight Requests in flight per variant.', '# TYPE slipway_gateway_in_flight gauge');
    for (const id of variantIds) lines.push(`slipway_gateway_in_flight{variant="${id}"} ${inFlight.get(id)}`);
    lines.push(
      '# HELP slipway_shadow_requests_total Mirrored requests by outcome (uncompared: a variant other than the primary answered the caller).',
      '# TYPE slipway_shadow_requests_total counter',
    );
    for (const [id, c] of shadows.byVariant) {
      for (const outcome of ['agreed', 'disagreed', 'failed', 'uncompared'] as const) {
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
