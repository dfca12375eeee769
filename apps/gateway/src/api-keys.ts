import { hashApiKey, type Db } from '@slipway/db';

export interface Principal {
  /** Rate-limit bucket identity. */
  keyId: string;
  rateLimitPerSecond: number | null;
  userId: string | null;
  isAdmin: boolean;
  teamIds: ReadonlySet<string>;
}

const NEGATIVE_TTL_MS = 10_000;

/**
 * API keys checked from memory: the database is asked once per unknown key, then the
 * answer is kept until a change is announced on Redis (or, for unknown keys, briefly).
 */
export class ApiKeyCache {
  private readonly known = new Map<string, Promise<Principal | null>>();
  private readonly unknownUntil = new Map<string, number>();
  private readonly internal: Principal = { keyId: 'internal', rateLimitPerSecond: null, userId: null, isAdmin: true, teamIds: new Set() };

  constructor(private readonly db: Db, private readonly internalToken?: string) {}

  async authenticate(key: string): Promise<Principal | null> {
    if (this.internalToken && key === this.internalToken) return this.internal;
    const hash = hashApiKey(key);
    if ((this.unknownUntil.get(hash) ?? 0) > Date.now()) return null;
    let lookup = this.known.get(hash);
    if (!lookup) {
      lookup = this.load(hash);
      this.known.set(hash, lookup);
    }
    const principal = await lookup;
    if (!principal) {
      this.known.delete(hash);
      this.unknownUntil.set(hash, Date.now() + NEGATIVE_TTL_MS);
    }
    return principal;
  }

  invalidate(): void {
    this.known.clear();
    this.unknownUntil.clear();
  }

  private async load(hash: string): Promise<Principal | null> {
    const key = await this.db.apiKey.findUnique({
      where: { hash },
      include: { user: { include: { memberships: true } } },
    });
    if (!key || key.revokedAt) return null;
    void this.db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    return {
      keyId: key.id,
      rateLimitPerSecond: key.rateLimitPerSecond,
      userId: key.userId,
      isAdmin: key.user.isAdmin,
      teamIds: new Set(key.user.memberships.map((m) => m.teamId)),
    };
  }
}

export function mayCall(principal: Principal, teamId: string): boolean {
  return principal.isAdmin || principal.teamIds.has(teamId);
}
