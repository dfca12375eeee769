import { z } from 'zod';

/**
 * The routing table the worker publishes and the gateway keeps in memory: every serving
 * deployment, its variants with traffic weights and their ready replicas.
 */
export const routingTableSchema = z.object({
  generatedAt: z.string(),
  deployments: z.record(
    z.string(),
    z.object({
      id: z.string(),
      name: z.string(),
      teamId: z.string(),
      /**
       * A canary step in progress: its candidates' variant ids, and whether a request one of them fails (5xx or no
       * answer) is sent once more to a variant that is not a candidate.
       */
      canary: z.object({ candidates: z.array(z.string()), retryOnPrimary: z.boolean() }).optional(),
      variants: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          /** The model version the variant serves (captures and the predictions ledger name it). */
          versionId: z.string().optional(),
          weight: z.number().int().min(0),
          /** The variant's role in its deployment: shadows' answers are compared with the `primary`'s. */
          role: z.enum(['primary', 'candidate', 'shadow']).optional(),
          /** Shadow variants: the percentage of requests mirrored to them (their answers are discarded). */
          mirrorPercent: z.number().int().min(0).max(100).default(0),
          /**
           * `token`: the replica's secret, sent by the gateway on every request it forwards there.
           * `framedAddress`: its framed transport (`tcp://host:port`), used instead of HTTP when present.
           */
          replicas: z.array(z.object({ id: z.string(), address: z.string(), framedAddress: z.string().optional(), token: z.string().optional() })),
          /**
           * Replicas the controller is converging to. 0 with no ready replica: asleep (scaled to zero), and
           * a request wakes it; above the ready count with none ready: waking, and requests are held.
           */
          desiredReplicas: z.number().int().min(0).optional(),
          /**
           * A service variant (`runtime: service`): its replicas are the user's own HTTP servers, called under
           * `/services/<name>/…` with every method and path forwarded as is; `requestTimeoutMs` bounds one request.
           */
          service: z.object({ requestTimeoutMs: z.number().int().positive() }).optional(),
        }),
      ),
    }),
  ),
  /**
   * Serving graph deployments by name: the current revision's spec (`graphSpecSchema` in @slipway/core,
   * every call's inputs mapped explicitly), executed by the gateway step by step through `deployments`.
   */
  graphs: z
    .record(
      z.string(),
      z.object({
        id: z.string(),
        name: z.string(),
        teamId: z.string(),
        revision: z.number().int().min(1),
        spec: z.unknown(),
        /** The graph's answer signature as the type-check found it against what the nodes serve (for its API docs). */
        outputs: z.array(z.object({ name: z.string(), dtype: z.string(), shape: z.array(z.number().int().nonnegative().nullable()) })).optional(),
      }),
    )
    .optional(),
});
export type RoutingTable = z.infer<typeof routingTableSchema>;
export type RoutedDeployment = RoutingTable['deployments'][string];
export type RoutedGraph = NonNullable<RoutingTable['graphs']>[string];

/** Redis names derived from the prefix, shared by publisher and subscribers. */
export function channels(prefix: string) {
  return {
    routingKey: `${prefix}:routing`,
    routingChanged: `${prefix}:routing:changed`,
    apiKeysChanged: `${prefix}:api-keys:changed`,
    /** A gateway holding requests for a sleeping deployment asks the worker to wake it (`wakeRequestSchema`). */
    wake: `${prefix}:wake`,
    /** What the worker's replica driver can place (`driverCapacitySchema` of core), set by the worker at start. */
    driverCapacity: `${prefix}:driver-capacity`,
  };
}

export const wakeRequestSchema = z.object({ deploymentId: z.string(), variantIds: z.array(z.string()).min(1) });
export type WakeRequest = z.infer<typeof wakeRequestSchema>;

/**
 * Tells every gateway to forget the API keys and principals it cached: after a key is revoked, or a
 * team membership or role changes (a new member's key must not keep getting 403 until a restart).
 */
export async function publishAccessChanged(
  redis: { publish(channel: string, message: string): Promise<unknown> },
  prefix: string,
  what: string,
): Promise<void> {
  await redis.publish(channels(prefix).apiKeysChanged, what);
}
