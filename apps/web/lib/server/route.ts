import type { z } from 'zod';
import { currentUser, type SessionUser } from './auth';
import { BodyTooLargeError, readBoundedText } from './bounded-body';
import { crossSiteRefusal, isJsonContentType } from './cross-site';
import { webEnv } from './env';
import { ApiError, errorResponse, formatZodError } from './errors';

type Auth = 'public' | 'user' | 'admin';

interface RouteContext<Body, Query, Params> {
  req: Request;
  user: SessionUser;
  body: Body;
  query: Query;
  params: Params;
}

interface RouteOptions<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  auth?: Auth;
  body?: B;
  query?: Q;
}

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** Refuses what a page on another site could make a signed-in browser send (403). */
export function assertNotCrossSite(req: Request): void {
  const refusal = crossSiteRefusal(req.method, req.headers, { trustProxy: webEnv().SLIPWAY_TRUST_PROXY });
  if (refusal) throw new ApiError('forbidden', refusal);
}

/** The body as text, at most SLIPWAY_MAX_JSON_BYTES (413 beyond); only `application/json` (415 otherwise). */
export async function readJsonText(req: Request): Promise<string> {
  // A form (text/plain, urlencoded, multipart) can be sent cross-site without a preflight; JSON cannot.
  if (!isJsonContentType(req.headers.get('content-type'))) {
    throw new ApiError('unsupported_media_type', 'send the request body as JSON with content-type: application/json');
  }
  try {
    return await readBoundedText(req, webEnv().SLIPWAY_MAX_JSON_BYTES);
  } catch (error) {
    // A body too large to drop whole is never read to its end, so its connection cannot carry another request.
    if (error instanceof BodyTooLargeError) {
      throw new ApiError('payload_too_large', error.message, error.discardingRest ? undefined : { connection: 'close' });
    }
    throw error;
  }
}

/** What each handler declares (auth, body and query schemas), read by the control plane's OpenAPI document. */
export const declaredRoutes = new WeakMap<object, { auth?: Auth; body?: z.ZodType; query?: z.ZodType }>();

async function parseJsonBody(req: Request, schema: z.ZodType): Promise<unknown> {
  const text = await readJsonText(req);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ApiError('invalid_json', 'request body must be valid JSON');
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new ApiError('validation_error', formatZodError(result.error));
  return result.data;
}

/**
 * Every /api/v1 handler is built here: cross-site refusal, authentication and role, body (JSON,
 * bounded) and query validation, and one mapping of errors to `{"error": {"code", "message"}}`.
 */
export function route<
  Params extends Record<string, string> = Record<string, never>,
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(options: RouteOptions<B, Q>, handler: (ctx: RouteContext<Infer<B>, Infer<Q>, Params>) => Promise<unknown>) {
  const respond = async (req: Request, segment: { params: Promise<Params> }): Promise<Response> => {
    try {
      assertNotCrossSite(req);
      const auth = options.auth ?? 'user';
      // Public handlers (login) never read `user`.
      const user = auth === 'public' ? (null as unknown as SessionUser) : await currentUser(req);
      if (auth !== 'public' && !user) throw new ApiError('unauthorized', 'sign in to continue');
      if (auth === 'admin' && !user!.isAdmin) throw new ApiError('forbidden', 'only platform admins can do this');
      const body = options.body ? await parseJsonBody(req, options.body) : undefined;
      let query: unknown;
      if (options.query) {
        const result = options.query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
        if (!result.success) throw new ApiError('validation_error', formatZodError(result.error));
        query = result.data;
      }
      const params = segment?.params ? await segment.params : ({} as Params);
      const result = await handler({ req, user: user!, body: body as Infer<B>, query: query as Infer<Q>, params });
      if (result instanceof Response) return result;
      return Response.json(result);
    } catch (error) {
      return errorResponse(error);
    }
  };
  declaredRoutes.set(respond, options);
  return respond;
}
