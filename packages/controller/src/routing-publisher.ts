import { rolloutStateSchema } from '@slipway/core';
import type { Db } from '@slipway/db';
import { channels, type RoutingTable } from '@slipway/queue';
import type { Redis } from 'ioredis';
import { graphRoutes, recheckGraphs } from './graphs';

/**
 * Builds the routing table of every serving deployment from the database: a deployment being
 * updated keeps serving its stable variants. Variants at weight 0 that mirror nothing are draining
 * or retired and are left out, so no header can pin a request to them.
 */
export async function buildRoutingTable(db: Db): Promise<RoutingTable> {
  const deployments = await db.deployment.findMany({
    where: { status: { in: ['pending', 'deploying', 'ready'] } },
    include: {
      variants: {
        where: { retiredAt: null, OR: [{ trafficWeight: { gt: 0 } }, { mirrorPercent: { gt: 0 } }] },
        orderBy: { createdAt: 'asc' },
        include: { replicaList: { where: { state: 'ready' }, orderBy: { createdAt: 'asc' } }, version: { select: { details: true } } },
      },
    },
  });
  const table: RoutingTable = { generatedAt: new Date().toISOString(), deployments: {} };
  for (const d of deployments) {
    if (d.variants.length === 0) continue;
    table.deployments[d.name] = {
      id: d.id,
      name: d.name,
      teamId: d.teamId,
      ...canaryOf(d.status, d.rollout),
      variants: d.variants.map((v) => ({
        id: v.id,
        name: v.name,
        versionId: v.versionId,
        weight: v.trafficWeight,
        role: v.role,
        mirrorPercent: v.mirrorPercent,
        replicas: v.replicaList
          .filter((r) => r.address)
          .map((r) => ({ id: r.id, address: r.address!, ...(r.framedAddress && { framedAddress: r.framedAddress }), ...(r.token && { token: r.token }) })),
        desiredReplicas: v.replicas,
        ...serviceRoute(v.version.details),
      })),
    };
  }
  table.graphs = await graphRoutes(db, db);
  return table;
}

/** A deployment in a canary step: the sets under judgement, so gateways count them and can retry their failures. */
function canaryOf(status: string, rollout: unknown): Pick<RoutingTable['deployments'][string], 'canary'> {
  if (status !== 'deploying') return {};
  const state = rolloutStateSchema.safeParse(rollout);
  if (!state.success || state.data.phase !== 'shifting' || !state.data.live) return {};
  return { canary: { candidates: state.data.live.candidates, retryOnPrimary: state.data.live.retryOnPrimary } };
}

/** Stores the table under one key (for gateways that start later) and tells running gateways. */
export async function publishRoutingTable(db: Db, redis: Redis, prefix: string): Promise<RoutingTable> {
  const table = await buildRoutingTable(db);
  // What nodes serve may have changed: graphs that no longer type-check are marked broken (shown in the console).
  await recheckGraphs(db);
  const names = channels(prefix);
  const body = JSON.stringify(table);
  await redis.multi().set(names.routingKey, body).publish(names.routingChanged, body).exec();
  return table;
}

/** A service version's routing entry: its request timeout (the version's details say it is a service). */
function serviceRoute(details: unknown): { service?: { requestTimeoutMs: number } } {
  const service = (details as { service?: { requestTimeoutSeconds?: unknown } } | null)?.service;
  if (!service || typeof service.requestTimeoutSeconds !== 'number') return {};
  return { service: { requestTimeoutMs: service.requestTimeoutSeconds * 1000 } };
}
