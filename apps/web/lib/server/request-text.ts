/**
 * Text a caller sends that no column can store: Postgres refuses NUL bytes in text, and a lone UTF-16 surrogate
 * (which JSON's `\ud800` escapes and a decoded path can hold) has no UTF-8 form. The route factory refuses both
 * in path parameters, query strings and JSON bodies before any handler runs.
 */

// Without the `u` flag a regex sees UTF-16 code units: a high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored as text, or null when it can. */
export function unstorableText(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (it holds a lone UTF-16 surrogate)';
  return null;
}

/** The first string (key or value, at any depth) that cannot be stored, as `path: problem`; null when there is none. */
export function findUnstorableText(value: unknown, path: readonly (string | number)[] = []): string | null {
  const where = (p: readonly (string | number)[]) => (p.length ? `${p.join('.')}: ` : '');
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    return problem && `${where(path)}${problem}`;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findUnstorableText(item, [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = unstorableText(key);
      if (keyProblem) return `${where(path)}a field name ${keyProblem}`;
      const found = findUnstorableText(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}
