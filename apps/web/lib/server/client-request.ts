/**
 * What the request says about its client: the last `X-Forwarded-For` entry, which the web server
 * (server.mjs) sets to the socket's address, or leaves as a trusted proxy sent it (see edge.mjs).
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for');
  return forwarded?.split(',').at(-1)?.trim() || 'unknown';
}

/** HTTPS only as a trusted proxy reports it: anyone else could send `X-Forwarded-Proto: https`. */
export function isHttps(headers: Headers, trustProxy: boolean): boolean {
  return trustProxy && headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}
