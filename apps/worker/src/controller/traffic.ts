import type { TrafficShare } from '@slipway/core';
import type { Controller, VariantRow } from './context';
import type { RoutingUpdate } from './routing';

/** The weight and mirror each replica set should have that it does not have yet (a set not named gets none). */
export function trafficChanges(
  rows: Iterable<[string, Pick<VariantRow, 'id' | 'trafficWeight' | 'mirrorPercent'>]>,
  shares: Map<string, TrafficShare>,
): { id: string; key: string; share: TrafficShare }[] {
  const changes: { id: string; key: string; share: TrafficShare }[] = [];
  for (const [key, row] of rows) {
    const share = shares.get(key) ?? { weight: 0, mirrorPercent: 0 };
    if (row.trafficWeight !== share.weight || row.mirrorPercent !== share.mirrorPercent) changes.push({ id: row.id, key, share });
  }
  return changes;
}

/** Writes the weights and mirrors in effect; the routing table is published with the pass. */
export async function applyTraffic(c: Controller, rows: Map<string, VariantRow>, shares: Map<string, TrafficShare>, routing: RoutingUpdate): Promise<void> {
  for (const { id, key, share } of trafficChanges(rows, shares)) {
    await c.db.variant.update({ where: { id }, data: { trafficWeight: share.weight, mirrorPercent: share.mirrorPercent } });
    const row = rows.get(key)!;
    row.trafficWeight = share.weight;
    row.mirrorPercent = share.mirrorPercent;
    routing.markDirty();
  }
}
