// What the web server (server.mjs) decides about a request before Next.js sees it. Plain JavaScript:
// the server runs on bare Node (a TypeScript loader would hook every one of Next's own requires).

const flags = { '': false, 0: false, false: false, 1: true, true: true };

/** SLIPWAY_TRUST_PROXY as a boolean; throws on a value that is neither on nor off. */
export function trustsProxy(value = '0') {
  if (!Object.hasOwn(flags, value)) throw new Error(`SLIPWAY_TRUST_PROXY must be 1, true, 0, false or empty, not '${value}'`);
  return flags[value];
}

/**
 * The `X-Forwarded-For` handed to Next.js. Without a trusted proxy a client could rotate its own
 * header to escape per-address limits, so the socket's address replaces it. A trusted proxy appended
 * the address it saw, so its header stands; the socket's address is used only when it sent none.
 */
export function forwardedForAtEdge(incoming, socketAddress, trustProxy) {
  const header = Array.isArray(incoming) ? incoming.join(', ') : incoming;
  return trustProxy && header?.trim() ? header : (socketAddress ?? 'unknown');
}
