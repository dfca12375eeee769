import type { InFlightTracker } from './in-flight';
import type { ShadowStats } from './shadow';

/** Gateway counters in the Prometheus text format. */
export class GatewayMetrics {
  private readonly requests = new Map<string, number>();

  countRequest(deployment: string, variantId: string, status: number): void {
    const key = `deployment="${deployment}",variant="${variantId}",code="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  render(inFlight: InFlightTracker, shadows: ShadowStats, variantIds: Iterable<string>): string {
    const lines = ['# HELP slipway_gateway_requests_total Requests forwarded, by deployment, variant and status.', '# TYPE slipway_gateway_requests_total counter'];
    for (const [labels, n] of this.requests) lines.push(`slipway_gateway_requests_total{${labels}} ${n}`);
    lines.push('# HELP slipway_gateway_in_flight Requests in flight per variant.', '# TYPE slipway_gateway_in_flight gauge');
    for (const id of variantIds) lines.push(`slipway_gateway_in_flight{variant="${id}"} ${inFlight.get(id)}`);
    lines.push('# HELP slipway_shadow_requests_total Mirrored requests by outcome.', '# TYPE slipway_shadow_requests_total counter');
    for (const [id, c] of shadows.byVariant) {
      for (const outcome of ['agreed', 'disagreed', 'failed'] as const) {
        lines.push(`slipway_shadow_requests_total{variant="${id}",outcome="${outcome}"} ${c[outcome]}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
