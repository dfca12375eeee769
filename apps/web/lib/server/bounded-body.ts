import { BodyTooLargeError, declaredLength, LINGER, readBoundedBody, webStreamChunks } from '@slipway/http';

export { BodyTooLargeError, LINGER };

/**
 * A route handler's body as UTF-8 text, at most `limitBytes` of it, through the shared bounded reader: a declared
 * Content-Length over the limit is refused before reading, a larger body is cut off at the limit, and the rest is
 * dropped in the background, within LINGER, while the 413 goes out.
 */
export async function readBoundedText(req: Request, limitBytes: number, linger = LINGER): Promise<string> {
  const declaredBytes = declaredLength(req.headers.get('content-length'));
  return (await readBoundedBody(webStreamChunks(req.body), { limitBytes, declaredBytes, linger })).toString('utf8');
}
