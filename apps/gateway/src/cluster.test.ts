import { describe, expect, it } from 'vitest';
import { gatewayProcessCount, restartDelayMs } from './cluster';
import { sumExpositions } from './cluster-metrics';
import { parseGatewayEnv } from './env';

describe('gateway processes', () => {
  it('reads SLIPWAY_GATEWAY_WORKERS as a count or auto, one by default', () => {
    const base = { DATABASE_URL: 'postgresql://x' };
    expect(parseGatewayEnv(base).SLIPWAY_GATEWAY_WORKERS).toBe(1);
    expect(parseGatewayEnv({ ...base, SLIPWAY_GATEWAY_WORKERS: '3' }).SLIPWAY_GATEWAY_WORKERS).toBe(3);
    expect(gatewayProcessCount(parseGatewayEnv({ ...base, SLIPWAY_GATEWAY_WORKERS: 'auto' }).SLIPWAY_GATEWAY_WORKERS, 6)).toBe(6);
    expect(() => parseGatewayEnv({ ...base, SLIPWAY_GATEWAY_WORKERS: '0' })).toThrow();
    expect(() => parseGatewayEnv({ ...base, SLIPWAY_GATEWAY_WORKERS: 'many' })).toThrow();
  });

  it('restarts a crashing process with backoff, and promptly once it had run a while', () => {
    expect(restartDelayMs(undefined, 100)).toBe(250);
    expect(restartDelayMs(250, 100)).toBe(500);
    expect(restartDelayMs(8_000, 100)).toBe(10_000);
    expect(restartDelayMs(10_000, 100)).toBe(10_000);
    expect(restartDelayMs(10_000, 60_000)).toBe(250);
  });

  it("sums the processes' metrics series by series, keeping each comment once", () => {
    const a = ['# TYPE t counter', 't{code="200"} 3', 't{code="429"} 1', '# TYPE g gauge', 'g{variant="v"} 2', ''].join('\n');
    const b = ['# TYPE t counter', 't{code="200"} 4', '# TYPE g gauge', 'g{variant="v"} 0', 'g{variant="w"} 5', ''].join('\n');
    expect(sumExpositions([a, b])).toBe(
      ['# TYPE t counter', 't{code="200"} 7', 't{code="429"} 1', '# TYPE g gauge', 'g{variant="v"} 2', 'g{variant="w"} 5', ''].join('\n'),
    );
    expect(sumExpositions([])).toBe('\n');
  });
});
