import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { route } from '@/lib/server/route';
import { serializeRevision } from '@/lib/server/serializers';

/** Every revision, newest first, each with its diff against the one before. */
export const GET = route<{ name: string }>({}, async ({ user, params }) => {
  const deployment = await findDeployment(user, params.name, 'viewer');
  const rows = await serverContext().db.deploymentRevision.findMany({ where: { deploymentId: deployment.id }, orderBy: { number: 'desc' }, take: 200 });
  return {
    current: deployment.targetRevision,
    stable: deployment.stableRevision,
    revisions: rows.map((r, i) => serializeRevision(r, rows[i + 1])),
  };
});
