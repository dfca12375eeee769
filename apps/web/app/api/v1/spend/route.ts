import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { spendReport } from '@/lib/server/spend';

/** Spend to date per team and per deployment: replica-hours × machine price (platform admins: every team). */
export const GET = route(API.getSpend, async ({ user }) => spendReport(user, Date.now()));
