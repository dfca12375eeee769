import { z } from 'zod';

/** A user as the admin API shows one. */
export const serializeUser = (u: { id: string; email: string; name: string; isAdmin: boolean; createdAt: Date }) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  isAdmin: u.isAdmin,
  createdAt: u.createdAt.toISOString(),
});

/** POST /users: a new user (an admin's call). */
export const createUserSchema = z.object({
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
