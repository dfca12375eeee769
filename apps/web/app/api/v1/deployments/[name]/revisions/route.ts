import { findDeployment } from '@/lib/server/deployments';
import { revisionHistory } from '@/lib/server/revision-history';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** Every revision, newest first, each with its diff against the one before. */
export const GET = route(API.listDeploymentRevisions, async ({ user, params }) => revisionHistory(await findDeployment(user, params.name, 'viewer')));
