import type { Server } from 'node:http';
import type { Inference } from './inference';
import type { RuntimeMetrics } from './metrics';
import type { ServedModel } from './protocols/context';
import { createProtocolHandler } from './protocols/router';
import { ServingState } from './serving-state';
import { createFramedListener, type FramedListener } from './transports/framed-listener';
import { createHttpListener } from './transports/http-listener';
import { replicaTokenMatcher } from './transports/replica-token';

export interface RuntimeServerOptions {
  model: ServedModel;
  inference: Inference;
  metrics: RuntimeMetrics;
  maxBodyBytes: number;
  /** When set, every request but the health probes must carry it in REPLICA_TOKEN_HEADER (the gateway does). */
  token?: string | undefined;
}

export interface RuntimeServer {
  /** Plain HTTP, for everyone (health probes, direct callers with the token). */
  server: Server;
  /** The gateway's framed transport: one persistent connection, many requests (see `transports/framed-listener.ts`). */
  framed: FramedListener;
  /** Stop accepting, let in-flight requests finish (up to `timeoutMs`), then close every connection. */
  drain(timeoutMs: number): Promise<void>;
}

/** The data-plane servers of one replica: both transports, wired to the protocol layer, which infers through `inference`. */
export function createRuntimeServer(options: RuntimeServerOptions): RuntimeServer {
  const state = new ServingState();
  const handle = createProtocolHandler({ model: options.model, inference: options.inference, metrics: options.metrics, state });
  const transport = { handle, tokenMatches: replicaTokenMatcher(options.token), maxBodyBytes: options.maxBodyBytes };
  const server = createHttpListener(transport);
  const framed = createFramedListener(transport);
  return {
    server,
    framed,
    async drain(timeoutMs) {
      const settled = state.drain(timeoutMs);
      server.close();
      server.closeIdleConnections();
      framed.stopAccepting();
      await settled;
      server.closeAllConnections();
      framed.closeAll();
    },
  };
}
