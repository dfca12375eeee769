import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RoutedDeployment } from '@slipway/queue';
import type { RequestAccounting } from './request-accounting';
import type { MatchedRoute } from './routes';

/** A request past admission (authenticated, routed, body read): what forwarding, holding and answering need. */
export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  route: MatchedRoute;
  deployment: RoutedDeployment;
  body: Buffer;
  /** The variant name the caller pinned (`x-slipway-variant`), if any. */
  pinned: string | undefined;
  /** The point in [0, 1) that chooses the variant: random, or the hash of the caller's sticky key. */
  unit: number;
  /** In flight, metrics and latency: released once, when the response closes. */
  accounting: RequestAccounting;
  /** A request waits for a wake once: not again after its release. */
  mayHold: boolean;
}
