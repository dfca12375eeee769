const FALLBACK = '/models';
const PLACEHOLDER_ORIGIN = 'http://slipway.invalid';

/**
 * Where to go after signing in: a path on this site, or the models page. Browsers drop tabs and line
 * breaks from URLs and read `\` as `/`, so `/\evil.example` and `/<TAB>/evil.example` would leave the
 * site as `//evil.example`; anything of the kind is refused rather than cleaned up.
 */
export function safeNextPath(next: string | null | undefined): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused here.
  if (!next || !next.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(next)) return FALLBACK;
  let url: URL;
  try {
    url = new URL(next, PLACEHOLDER_ORIGIN);
  } catch {
    return FALLBACK;
  }
  // `//host` is another site; `/..//host` only becomes `//host` once dot segments are resolved.
  if (url.origin !== PLACEHOLDER_ORIGIN || next.startsWith('//') || url.pathname.startsWith('//')) return FALLBACK;
  return `${url.pathname}${url.search}${url.hash}`;
}
