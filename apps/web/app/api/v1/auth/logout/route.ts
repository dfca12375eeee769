import { clearedSessionCookie, deleteSession, sessionToken } from '@/lib/server/auth';
import { route } from '@/lib/server/route';

export const POST = route({ auth: 'public' }, async ({ req }) => {
  const token = sessionToken(req);
  if (token) await deleteSession(token);
  return new Response(null, { status: 204, headers: { 'set-cookie': clearedSessionCookie(req) } });
});
