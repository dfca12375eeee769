import { IncomingMessage } from 'node:http';
import type { RoutedDeployment } from '@slipway/queue';
import { readAll } from './body';
import type { FramedTransport } from './framed-client';
import { forward } from './forward';
import type { OutlierDetector } from './outliers';
import type { MatchedRoute } from './routes';
import type { RoutedVariant, RoutingState } from './routing-state';
import { outputsAgree, parseJson, type ShadowStats } from './shadow';

/**
 * The variant whose answers shadows are compared with: the one with role `primary` (a table published
 * before roles were, or a deployment without one: its first variant taking traffic).
 */
export function isPrimary(deployment: RoutedDeployment, variant: RoutedVariant): boolean {
  if (deployment.variants.some((v) => v.role === 'primary')) return variant.role === 'primary';
  return variant.id === deployment.variants.find((v) => v.weight > 0)?.id;
}

/** What a mirrored request is compared with: the caller's answer and the variant that gave it. */
export interface Answered {
  deployment: RoutedDeployment;
  variant: RoutedVariant;
  route: MatchedRoute;
  method: string;
  body: Buffer;
  /** The answer's bytes when it succeeded; null when the variant answered an error. */
  output: Buffer | null;
}

export interface MirrorDeps {
  routing: Pick<RoutingState, 'nextReplica'>;
  outliers: Pick<OutlierDetector, 'isEjected'>;
  framed: FramedTransport | undefined;
  shadows: Pick<ShadowStats, 'record'>;
  /** Whether this request is among a shadow's `mirrorPercent` (random by default). */
  sampled?: (mirrorPercent: number) => boolean;
}

/**
 * Sends a sampled copy of an answered request to each shadow variant and records whether the shadow
 * agreed. Agreement is with the primary: when another variant (an A/B or canary candidate) answered the
 * caller, the shadow's answer is timed and its failures counted, but it is neither agreed nor disagreed.
 */
export class ShadowMirror {
  private readonly sampled: (mirrorPercent: number) => boolean;

  constructor(private readonly deps: MirrorDeps) {
    this.sampled = deps.sampled ?? ((percent) => Math.random() * 100 < percent);
  }

  /** Whether any of the deployment's variants mirrors: only then is the answer kept for comparison. */
  static mirrors(deployment: RoutedDeployment, method: string): boolean {
    return method === 'POST' && deployment.variants.some((v) => v.mirrorPercent > 0);
  }

  mirror(answered: Answered): void {
    const comparable = isPrimary(answered.deployment, answered.variant);
    for (const shadow of answered.deployment.variants) {
      if (shadow.mirrorPercent <= 0 || !this.sampled(shadow.mirrorPercent)) continue;
      const replica = this.deps.routing.nextReplica(shadow, (a) => this.deps.outliers.isEjected(a));
      if (!replica) continue;
      const started = performance.now();
      const record = (outcome: 'agreed' | 'disagreed' | 'failed' | 'uncompared') => this.deps.shadows.record(shadow.id, outcome, performance.now() - started);
      forward(this.deps.framed, replica, answered.method, answered.route.upstreamPath, 'application/json', answered.body)
        .then(async (response) => {
          const [status, answer] =
            response instanceof IncomingMessage ? [response.statusCode ?? 500, await readAll(response)] : [response.status, response.body];
          if (status >= 400 || !answered.output) return record('failed');
          if (!comparable) return record('uncompared');
          record(outputsAgree(parseJson(answer), parseJson(answered.output)) ? 'agreed' : 'disagreed');
        })
        .catch(() => record('failed'));
    }
  }
}
