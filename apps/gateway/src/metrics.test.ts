import { describe, expect, it } from 'vitest';
import { InFlightTracker } from './in-flight';
import { GatewayMetrics } from './metrics';

describe('GatewayMetrics', () => {
  it('renders requests by code class and a cumulative seconds histogram per variant', () => {
    const metrics = new GatewayMetrics();
    metrics.observe('iris', 'v1', 200, 0.8);
    metrics.observe('iris', 'v1', 201, 3);
    metrics.observe('iris', 'v1', 404, 40);
    metrics.observe('iris', 'v1', 503, 20_000);
    const text = metrics.render(new InFlightTracker(), { byVariant: new Map() }, []);
    const labels = 'deployment="iris",variant="v1"';
    expect(text).toContain(`slipway_gateway_requests_total{${labels},code_class="2xx"} 2\n`);
    expect(text).toContain(`slipway_gateway_requests_total{${labels},code_class="4xx"} 1\n`);
    expect(text).toContain(`slipway_gateway_requests_total{${labels},code_class="5xx"} 1\n`);
    expect(text).not.toContain('code_class="3xx"');
    expect(text).toContain('# TYPE slipway_gateway_request_duration_seconds histogram');
    expect(text).toContain(`slipway_gateway_request_duration_seconds_bucket{${labels},le="0.001"} 1\n`);
    expect(text).toContain(`slipway_gateway_request_duration_seconds_bucket{${labels},le="0.005"} 2\n`);
    expect(text).toContain(`slipway_gateway_request_duration_seconds_bucket{${labels},le="0.05"} 3\n`);
    expect(text).toContain(`slipway_gateway_request_duration_seconds_bucket{${labels},le="10"} 3\n`);
    expect(text).toContain(`slipway_gateway_request_duration_seconds_bucket{${labels},le="+Inf"} 4\n`);
    expect(text).toContain(`slipway_gateway_request_duration_seconds_count{${labels}} 4\n`);
    expect(text).toMatch(new RegExp(`slipway_gateway_request_duration_seconds_sum\\{${labels}\\} 20\\.0438`));
  });
});
