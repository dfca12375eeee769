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
const MAX_CACHED_KEYS = 10_000;

/**
 * API keys checked from memory: the database is asked once per unknown key, then the
 * answer is kept until a change is announced on Redis (or, for unknown keys, briefly).
 */
export class ApiKeyCache {
  private readonly known = new Map<string, Promise<Principal | null>>();
  /** Principals already loaded, for a synchronous hit on the hot path. */
  private readonly resolved = new Map<string, Principal>();
  private readonly unknownUntil = new Map<string, number>();
  private readonly internal: Principal = { keyId: 'internal', rateLimitPerSecond: null, userId: null, isAdmin: true, teamIds: new Set() };

  constructor(
    private readonly db: Db,
    private readonly internalToken?: string,
  ) {}

  /** The principal of a key seen before, without waiting; undefined when it must be looked up. */
  cached(key: string): Principal | undefined {
    return this.resolved.get(key);
  }

  /** Keyed by the presented key itself: hashing it (to look it up) happens once per key, not per request. */
  async authenticate(key: string): Promise<Principal | null> {
    if (this.internalToken && key === this.internalToken) return this.internal;
    if ((this.unknownUntil.get(key) ?? 0) > Date.now()) return null;
    let lookup = this.known.get(key);
    if (!lookup) {
      if (this.known.size >= MAX_CACHED_KEYS) {
        this.known.clear();
        this.resolved.clear();
      }
      lookup = this.load(hashApiKey(key));
      this.known.set(key, lookup);
    }
    const principal = await lookup;
    if (principal && this.known.get(key) === lookup) this.resolved.set(key, principal);
    if (!principal) {
      this.known.delete(key);
      // Random keys from a scanner must not grow memory without bound.
      if (this.unknownUntil.size >= MAX_CACHED_KEYS) this.unknownUntil.clear();
      this.unknownUntil.set(key, Date.now() + NEGATIVE_TTL_MS);
    }
    return principal;
  }

  invalidate(): void {
    this.known.clear();
    this.resolved.clear();
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
