import { serverContext } from './context';
import { serializeRevision } from './serializers';

/** GET /deployments/{name}/revisions: every revision (the newest 200), newest first, each with its diff against the one before. */
export async function revisionHistory(deployment: { id: string; targetRevision: number; stableRevision: number | null }) {
  const rows = await serverContext().db.deploymentRevision.findMany({ where: { deploymentId: deployment.id }, orderBy: { number: 'desc' }, take: 200 });
  return {
    current: deployment.targetRevision,
    stable: deployment.stableRevision,
    revisions: rows.map((r, i) => serializeRevision(r, rows[i + 1])),
  };
}
