import { describeMe } from '@/lib/server/me';
import { route } from '@/lib/server/route';

export const GET = route({}, async ({ user }) => describeMe(user));
