import { clearedSessionCookie, deleteSession, sessionToken } from '@/lib/server/auth';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

export const POST = route(API.signOut, async ({ req }) => {
  const token = sessionToken(req);
  if (token) await deleteSession(token);
  return new Response(null, { status: 204, headers: { 'set-cookie': clearedSessionCookie(req) } });
});
