import { createHash, randomBytes } from 'node:crypto';

/** Keys are shown once and stored only as their sha256; the prefix identifies them in lists. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `sk_${randomBytes(24).toString('base64url')}`;
  return { key, prefix: key.slice(0, 10), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
