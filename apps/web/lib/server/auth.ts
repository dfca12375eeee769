import { createHash, randomBytes } from 'node:crypto';
import { hashApiKey, type TeamRole } from '@slipway/db';
import { isHttps } from './client-request';
import { serverContext } from './context';
import { webEnv } from './env';
import { ApiError, forbidden } from './errors';

export const SESSION_COOKIE = 'slipway_session';
const SESSION_DAYS = 7;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /** teamId → role */
  roles: Map<string, TeamRole>;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(userId: string): Promise<{ token: string; expires: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expires = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await serverContext().db.session.create({ data: { id: hashToken(token), userId, expiresAt: expires } });
  return { token, expires };
}

export async function deleteSession(token: string): Promise<void> {
  await serverContext().db.session.deleteMany({ where: { id: hashToken(token) } });
}

/** `Secure` when the browser reached us over HTTPS (as a trusted proxy says, SLIPWAY_TRUST_PROXY). */
const cookieAttributes = (req: Request) => `Path=/; HttpOnly; SameSite=Lax${isHttps(req.headers, webEnv().SLIPWAY_TRUST_PROXY) ? '; Secure' : ''}`;

export function sessionCookie(req: Request, token: string, expires: Date): string {
  return `${SESSION_COOKIE}=${token}; ${cookieAttributes(req)}; Expires=${expires.toUTCString()}`;
}

export const clearedSessionCookie = (req: Request) => `${SESSION_COOKIE}=; ${cookieAttributes(req)}; Max-Age=0`;

export function sessionToken(req: Request): string | undefined {
  const cookie = req.headers.get('cookie') ?? '';
  for (const part of cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}

/** Scripts and CI call the control plane with `Authorization: Bearer <API key>`; browsers use the session cookie. */
async function apiKeyUser(key: string): Promise<SessionUser | null> {
  const apiKey = await serverContext().db.apiKey.findUnique({
    where: { hash: hashApiKey(key) },
    include: { user: { include: { memberships: true } } },
  });
  if (!apiKey || apiKey.revokedAt) return null;
  return toSessionUser(apiKey.user);
}

function toSessionUser(user: { id: string; email: string; name: string; isAdmin: boolean; memberships: { teamId: string; role: TeamRole }[] }): SessionUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    isAdmin: user.isAdmin,
    roles: new Map(user.memberships.map((m) => [m.teamId, m.role])),
  };
}

export async function currentUser(req: Request): Promise<SessionUser | null> {
  const authorization = req.headers.get('authorization');
  if (authorization?.startsWith('Bearer ')) return apiKeyUser(authorization.slice(7).trim());
  const token = sessionToken(req);
  if (!token) return null;
  const session = await serverContext().db.session.findUnique({
    where: { id: hashToken(token) },
    include: { user: { include: { memberships: true } } },
  });
  if (!session || session.expiresAt < new Date()) return null;
  return toSessionUser(session.user);
}

const RANK: Record<TeamRole, number> = { viewer: 0, member: 1, admin: 2 };

export function hasTeamRole(user: SessionUser, teamId: string, minimum: TeamRole): boolean {
  if (user.isAdmin) return true;
  const role = user.roles.get(teamId);
  return role !== undefined && RANK[role] >= RANK[minimum];
}

/** Throws 404 for teams the user cannot see at all (no existence leak), 403 for too small a role. */
export function requireTeamRole(user: SessionUser, teamId: string, minimum: TeamRole, what: string): void {
  if (hasTeamRole(user, teamId, minimum)) return;
  if (!hasTeamRole(user, teamId, 'viewer')) throw new ApiError('not_found', `${what} not found`);
  throw forbidden(`your role in this team does not allow this (needs ${minimum})`);
}

/** Teams whose resources the user may list; null means all (platform admins). */
export function visibleTeamIds(user: SessionUser): string[] | null {
  return user.isAdmin ? null : [...user.roles.keys()];
}
