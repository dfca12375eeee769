import { planFile } from '@/lib/server/declarative';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** What applying a deployment file would change (`slipway diff`): field by field, with cost and quota. Writes nothing. */
export const POST = route(API.planDeploymentFile, async ({ user, body, query }) => planFile(user, body, { prune: query.prune ?? false }));
