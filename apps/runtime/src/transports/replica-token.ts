import { timingSafeEqual } from 'node:crypto';

/** Whether a presented secret is the replica token (compared in constant time); anything matches when there is none. */
export type TokenMatcher = (presented: string | Buffer | undefined) => boolean;

export function replicaTokenMatcher(secret: string | undefined): TokenMatcher {
  const token = secret === undefined ? undefined : Buffer.from(secret);
  return (presented) => {
    if (!token) return true;
    if (presented === undefined) return false;
    const bytes = typeof presented === 'string' ? Buffer.from(presented) : presented;
    return bytes.length === token.length && timingSafeEqual(bytes, token);
  };
}
