/**
 * Cross-site request refusal for cookie sessions, after Go's `http.CrossOriginProtection`: a browser
 * says where a request comes from (`Sec-Fetch-Site`, else `Origin`); a request with neither is not
 * from a browser, so no cookie was sent on someone else's behalf. API-key (Bearer) calls are exempt:
 * no page can make a browser attach that header to a cross-site request.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CrossSiteOptions {
  /** Behind a trusted proxy the public host is the proxy's `X-Forwarded-Host`, not `Host`. */
  trustProxy: boolean;
}

/** Why the request must be refused (403), or null when it may go on. */
export function crossSiteRefusal(method: string, headers: Headers, options: CrossSiteOptions): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  if (/^Bearer\s/i.test(headers.get('authorization') ?? '')) return null;
  const site = headers.get('sec-fetch-site');
  if (site !== null) {
    // `none`: the user typed or bookmarked it; same-site is refused too (a sibling subdomain is not this app).
    return site === 'same-origin' || site === 'none' ? null : `cross-site request refused (Sec-Fetch-Site: ${site})`;
  }
  const origin = headers.get('origin');
  if (origin === null) return null;
  const ownHost = (options.trustProxy && firstValue(headers.get('x-forwarded-host'))) || headers.get('host');
  return ownHost !== null && hostOf(origin) === ownHost.toLowerCase() ? null : `cross-origin request refused (Origin: ${origin})`;
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    // `Origin: null` (sandboxed frames, data: URLs) and garbage are never this app.
    return null;
  }
}

const firstValue = (header: string | null) => header?.split(',')[0]?.trim() || null;

/** `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(header: string | null): boolean {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type !== undefined && /^application\/[\w.+-]+\+json$/.test(type));
}
