import { SecondsHistogram } from './metrics';

/*
 * A service's latency and errors per route template and status class (`GET /api/v0/pi`, 2xx): the answer to "which of
 * my routes is slow or failing", where a model has one route. Templates replace the segments that name things (numbers,
 * UUIDs, hashes) with `{id}`, and each deployment keeps at most MAX_ROUTES of them, so a service whose paths carry
 * free text cannot grow the gateway's memory or the metrics' cardinality without bound.
 */

const MAX_ROUTES = 64;
const BOUNDS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const ID_SEGMENT = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|[A-Za-z0-9_-]{24,})$/i;

/** `GET /users/42/orders?x=1` → `GET /users/{id}/orders`: the query dropped, identifier-like segments generalised. */
export function routeTemplate(method: string, upstreamPath: string): string {
  const path = upstreamPath.split('?', 1)[0] ?? '/';
  const segments = path.split('/').map((segment) => (ID_SEGMENT.test(segment) ? '{id}' : segment));
  return `${method} ${segments.join('/') || '/'}`;
}

/** The status class of an answer (`2xx`…); `aborted` when the caller left or the stream broke before the answer ended. */
export function statusClass(status: number | undefined): string {
  return status === undefined ? 'aborted' : `${Math.floor(status / 100)}xx`;
}

export class ServiceRouteStats {
  private readonly histogram = new SecondsHistogram(
    'slipway_gateway_service_request_duration_seconds',
    'Service requests by deployment, route template and status class: arrival to the end of the answer (streams included).',
    BOUNDS_S,
  );
  private readonly routes = new Map<string, Set<string>>();

  observe(deployment: string, method: string, upstreamPath: string, status: number | undefined, seconds: number): void {
    let known = this.routes.get(deployment);
    if (!known) this.routes.set(deployment, (known = new Set()));
    let route = routeTemplate(method, upstreamPath);
    if (!known.has(route)) {
      if (known.size >= MAX_ROUTES) route = `${method} (other)`;
      else known.add(route);
    }
    this.histogram.observe(`deployment="${deployment}",route="${route.replaceAll('"', '\\"')}",code_class="${statusClass(status)}"`, seconds);
  }

  lines(): string[] {
    return this.histogram.lines();
  }
}
