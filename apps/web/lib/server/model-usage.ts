import type { Db } from '@slipway/db';

/** Per version label, the deployments (not stopped, not deleted) whose live variants serve it, and the alias each follows. */
export async function versionsInUse(db: Db, modelId: string): Promise<Map<number, { deployment: string; followsAlias: string | null }[]>> {
  const variants = await db.variant.findMany({
    where: { retiredAt: null, version: { modelId }, deployment: { deletedAt: null, status: { notIn: ['stopped'] } } },
    select: { version: { select: { label: true } }, deployment: { select: { name: true, followsAlias: true } } },
  });
  const byLabel = new Map<number, { deployment: string; followsAlias: string | null }[]>();
  for (const v of variants) {
    const list = byLabel.get(v.version.label) ?? [];
    if (!list.some((d) => d.deployment === v.deployment.name)) list.push({ deployment: v.deployment.name, followsAlias: v.deployment.followsAlias });
    byLabel.set(v.version.label, list);
  }
  return byLabel;
}
