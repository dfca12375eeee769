import { findDeployment } from '@/lib/server/deployments';
import { revisionHistory } from '@/lib/server/revision-history';
import { route } from '@/lib/server/route';

/** Every revision, newest first, each with its diff against the one before. */
export const GET = route<{ name: string }>({}, async ({ user, params }) => revisionHistory(await findDeployment(user, params.name, 'viewer')));
