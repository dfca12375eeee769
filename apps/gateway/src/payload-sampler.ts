import type { Redis } from 'ioredis';

/**
 * A bounded, sampled stream of requests and outputs per deployment in Redis, the input of the
 * drift jobs. Fire-and-forget: a slow or failing Redis never delays a prediction.
 */
export class PayloadSampler {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly rate: number,
    private readonly maxLength = 10_000,
    private readonly maxPayloadBytes = 64 * 1024,
  ) {}

  shouldSample(): boolean {
    return this.rate > 0 && Math.random() < this.rate;
  }

  record(deploymentName: string, variantId: string, request: Buffer, response: Buffer): void {
    if (request.length > this.maxPayloadBytes || response.length > this.maxPayloadBytes) return;
    this.redis
      .xadd(
        `${this.prefix}:samples:${deploymentName}`,
        'MAXLEN',
        '~',
        String(this.maxLength),
        '*',
        'variant',
        variantId,
        'at',
        String(Date.now()),
        'request',
        request,
        'response',
        response,
      )
      .catch(() => undefined);
  }
}
