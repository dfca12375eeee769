import { hashPassword } from '@slipway/db';
import { z } from 'zod';
import { serverContext } from '@/lib/server/context';
import { ApiError } from '@/lib/server/errors';
import { route } from '@/lib/server/route';

const serialize = (u: { id: string; email: string; name: string; isAdmin: boolean; createdAt: Date }) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  isAdmin: u.isAdmin,
  createdAt: u.createdAt.toISOString(),
});

export const GET = route({ auth: 'admin' }, async () => {
  const users = await serverContext().db.user.findMany({ orderBy: { createdAt: 'asc' } });
  return { users: users.map(serialize) };
});

const createUser = z.object({
  email: z
    .string()
    .email()
    .transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1).max(100),
  // bcrypt reads only the first 72 bytes: a longer password would be accepted and silently cut.
  password: z
    .string()
    .min(8, 'must be at least 8 characters')
    .refine((p) => Buffer.byteLength(p, 'utf8') <= 72, 'must be at most 72 bytes (72 ASCII characters, fewer with accents or non-Latin letters)'),
  isAdmin: z.boolean().default(false),
});

export const POST = route({ auth: 'admin', body: createUser }, async ({ body }) => {
  const { db } = serverContext();
  if (await db.user.findUnique({ where: { email: body.email } })) {
    throw new ApiError('conflict', `a user with email '${body.email}' already exists`);
  }
  const user = await db.user.create({
    data: { email: body.email, name: body.name, isAdmin: body.isAdmin, passwordHash: await hashPassword(body.password) },
  });
  return Response.json({ user: serialize(user) }, { status: 201 });
});
