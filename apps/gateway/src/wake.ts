import { channels, type RoutedDeployment, type WakeRequest } from '@slipway/queue';
import type { Redis } from 'ioredis';
import { log } from './log';

/** Asks the worker to wake a deployment's sleeping serving variants, at most once per deployment per interval. */
export class Waker {
  private readonly lastWake = new Map<string, number>();
  private readonly published = new Map<string, number>();
  private readonly channel: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly intervalMs = 1_000,
  ) {
    this.channel = channels(prefix).wake;
  }

  wake(deployment: RoutedDeployment): void {
    const variantIds = deployment.variants.filter((v) => v.weight > 0 && v.desiredReplicas === 0 && v.replicas.length === 0).map((v) => v.id);
    if (variantIds.length === 0) return;
    const now = performance.now();
    if (now - (this.lastWake.get(deployment.id) ?? -Infinity) < this.intervalMs) return;
    this.lastWake.set(deployment.id, now);
    this.published.set(deployment.name, (this.published.get(deployment.name) ?? 0) + 1);
    const request: WakeRequest = { deploymentId: deployment.id, variantIds };
    // Held requests time out if this is lost; the next request or routing update asks again.
    this.redis.publish(this.channel, JSON.stringify(request)).catch((err) => log.error({ err }, 'wake request failed'));
  }

  metricLines(): string[] {
    const lines = [
      '# HELP slipway_gateway_wake_requests_total Wake requests published for sleeping deployments.',
      '# TYPE slipway_gateway_wake_requests_total counter',
    ];
    for (const [deployment, n] of this.published) lines.push(`slipway_gateway_wake_requests_total{deployment="${deployment}"} ${n}`);
    return lines;
  }
}
