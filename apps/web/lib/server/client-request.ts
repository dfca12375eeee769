/**
 * What the request says about its client. Next.js fills `X-Forwarded-For` with the socket's address
 * when the request did not bring one; behind a proxy the proxy appends the address it saw, so the
 * last entry is the hop nearest to us either way.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for');
  return forwarded?.split(',').at(-1)?.trim() || 'unknown';
}

/** HTTPS only as a trusted proxy reports it: anyone else could send `X-Forwarded-Proto: https`. */
export function isHttps(headers: Headers, trustProxy: boolean): boolean {
  return trustProxy && headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}
