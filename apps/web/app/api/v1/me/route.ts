import { describeMe } from '@/lib/server/me';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

export const GET = route(API.getCurrentUser, async ({ user }) => describeMe(user));
