import { hashPassword } from '@slipway/db';
import { serverContext } from '@/lib/server/context';
import { ApiError } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { serializeUser } from '@/lib/server/users';

export const GET = route(API.listUsers, async () => {
  const users = await serverContext().db.user.findMany({ orderBy: { createdAt: 'asc' } });
  return { users: users.map(serializeUser) };
});

export const POST = route(API.createUser, async ({ body }) => {
  const { db } = serverContext();
  if (await db.user.findUnique({ where: { email: body.email } })) {
    throw new ApiError('conflict', `a user with email '${body.email}' already exists`);
  }
  const user = await db.user.create({
    data: { email: body.email, name: body.name, isAdmin: body.isAdmin, passwordHash: await hashPassword(body.password) },
  });
  return Response.json({ user: serializeUser(user) }, { status: 201 });
});
