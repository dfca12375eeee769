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
      variants: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
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
        }),
      ),
    }),
  ),
});
export type RoutingTable = z.infer<typeof routingTableSchema>;
export type RoutedDeployment = RoutingTable['deployments'][string];

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
