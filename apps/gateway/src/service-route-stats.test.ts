import { describe, expect, it } from 'vitest';
import { routeTemplate, ServiceRouteStats, statusClass } from './service-route-stats';

describe('service route templates', () => {
  it('drops the query and generalises identifier segments', () => {
    expect(routeTemplate('GET', '/api/v0/pi?ndigits=99')).toBe('GET /api/v0/pi');
    expect(routeTemplate('DELETE', '/users/42/orders/3f2b9c4e-8a1d-4c2b-9e7f-0a1b2c3d4e5f')).toBe('DELETE /users/{id}/orders/{id}');
    expect(routeTemplate('GET', '/')).toBe('GET /');
    expect(statusClass(503)).toBe('5xx');
    expect(statusClass(undefined)).toBe('aborted');
  });

  it('counts per route and class, and folds routes past the bound into (other)', () => {
    const stats = new ServiceRouteStats();
    stats.observe('pi', 'GET', '/api/v0/pi?ndigits=9', 200, 0.002);
    stats.observe('pi', 'GET', '/api/v0/pi?ndigits=99', 500, 0.004);
    for (let i = 0; i < 100; i++) stats.observe('pi', 'GET', `/page-${'x'.repeat(i % 10)}-${i}`, 200, 0.001);
    const text = stats.lines().join('\n');
    expect(text).toContain('slipway_gateway_service_request_duration_seconds_count{deployment="pi",route="GET /api/v0/pi",code_class="2xx"} 1');
    expect(text).toContain('slipway_gateway_service_request_duration_seconds_count{deployment="pi",route="GET /api/v0/pi",code_class="5xx"} 1');
    expect(text).toContain('route="GET (other)"');
    expect(new Set([...text.matchAll(/route="([^"]+)"/g)].map((m) => m[1])).size).toBe(65);
  });
});
