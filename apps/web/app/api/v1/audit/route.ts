import { API } from '@/lib/server/api-catalogue';
import { auditPage } from '@/lib/server/audit-log';
import { serverContext } from '@/lib/server/context';
import { route } from '@/lib/server/route';

/** Who changed what, when: newest first, paginated (platform admins). */
export const GET = route(API.listAuditEntries, async ({ query }) => auditPage(serverContext().db, query));
