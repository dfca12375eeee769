import { verifyPassword } from '@slipway/db';
import { z } from 'zod';
import { createSession, sessionCookie } from '@/lib/server/auth';
import { serverContext } from '@/lib/server/context';
import { ApiError } from '@/lib/server/errors';
import { route } from '@/lib/server/route';

export const POST = route(
  { auth: 'public', body: z.object({ email: z.string().email(), password: z.string().min(1) }) },
  async ({ body }) => {
    const user = await serverContext().db.user.findUnique({ where: { email: body.email.toLowerCase() } });
    if (!user || !(await verifyPassword(body.password, user.passwordHash))) {
      throw new ApiError('invalid_credentials', 'wrong email or password');
    }
    const { token, expires } = await createSession(user.id);
    return Response.json(
      { user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin } },
      { headers: { 'set-cookie': sessionCookie(token, expires) } },
    );
  },
);
