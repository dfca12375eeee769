import { API } from '@/lib/server/api-catalogue';
import { loadOverview } from '@/lib/server/overview';
import { route } from '@/lib/server/route';

/** The home page: every deployment the user can see, with status, requests/s, error rate, cost per hour and spend to date. */
export const GET = route(API.getOverview, async ({ user }) => loadOverview(user, Date.now()));
