import { hashApiKey, type Db } from '@slipway/db';

export interface Principal {
  /** Rate-limit bucket identity. */
  keyId: string;
  rateLimitPerSecond: number | null;
  userId: string | null;
  isAdmin: boolean;
  teamIds: ReadonlySet<string>;
  /** `invoke`: predictions and docs; `read-only`: the model's docs only. */
  scope: KeyScope;
  /** The deployments (ids) the key is limited to; null: every deployment of its owner's teams. */
  deploymentIds: ReadonlySet<string> | null;
  /** When the key stops working (epoch ms); null: never. */
  expiresAt: number | null;
}

export type KeyScope = 'invoke' | 'read-only';

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
  private readonly internal: Principal = {
    keyId: 'internal',
    rateLimitPerSecond: null,
    userId: null,
    isAdmin: true,
    teamIds: new Set(),
    scope: 'invoke',
    deploymentIds: null,
    expiresAt: null,
  };

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
      scope: key.scope === 'read-only' ? 'read-only' : 'invoke',
      deploymentIds: key.deploymentIds.length > 0 ? new Set(key.deploymentIds) : null,
      expiresAt: key.expiresAt?.getTime() ?? null,
    };
  }
}

export function mayCall(principal: Principal, teamId: string): boolean {
  return principal.isAdmin || principal.teamIds.has(teamId);
}

/** What a key may do with one deployment. */
export type KeyUse = 'invoke' | 'read';

/**
 * Why `principal` may not use the deployment as asked, as the catalogue's code and a sentence; null when it may.
 * Order: expired (401, the key no longer works at all), then its owner's teams, its deployments and its scope (403).
 */
export function keyRefusal(
  principal: Principal,
  deployment: { id: string; name: string; teamId: string },
  use: KeyUse,
  now: number,
): { code: 'unauthorized' | 'forbidden'; message: string } | null {
  if (principal.expiresAt !== null && principal.expiresAt <= now) {
    return { code: 'unauthorized', message: `this API key expired at ${new Date(principal.expiresAt).toISOString()}; create a new one` };
  }
  if (!mayCall(principal, deployment.teamId)) return { code: 'forbidden', message: `this API key may not call '${deployment.name}'` };
  if (principal.deploymentIds && !principal.deploymentIds.has(deployment.id)) {
    return { code: 'forbidden', message: `this API key is scoped to other deployments and may not reach '${deployment.name}'` };
  }
  if (use === 'invoke' && principal.scope === 'read-only') {
    return { code: 'forbidden', message: `this API key is read-only: it may read '${deployment.name}' docs but not call it` };
  }
  return null;
}
