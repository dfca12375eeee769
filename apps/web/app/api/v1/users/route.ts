import { hashPassword, recordAudit } from '@slipway/db';
import { serverContext } from '@/lib/server/context';
import { ApiError } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { serializeUser } from '@/lib/server/users';

export const GET = route(API.listUsers, async () => {
  const users = await serverContext().db.user.findMany({ orderBy: { createdAt: 'asc' } });
  return { users: users.map(serializeUser) };
});

export const POST = route(API.createUser, async ({ user: admin, body }) => {
  const { db } = serverContext();
  if (await db.user.findUnique({ where: { email: body.email } })) {
    throw new ApiError('conflict', `a user with email '${body.email}' already exists`);
  }
  const passwordHash = await hashPassword(body.password);
  const user = await db.$transaction(async (tx) => {
    const created = await tx.user.create({ data: { email: body.email, name: body.name, isAdmin: body.isAdmin, passwordHash } });
    await recordAudit(tx, { actor: admin.email, action: 'user.create', targetKind: 'user', targetName: body.email, details: { isAdmin: body.isAdmin } });
    return created;
  });
  return Response.json({ user: serializeUser(user) }, { status: 201 });
});
