import type { z } from 'zod';
import { type OperationSpec, operationParams } from './api-catalogue';
import { currentUser, type SessionUser } from './auth';
import { BodyTooLargeError, readBoundedText } from './bounded-body';
import { crossSiteRefusal, isJsonContentType } from './cross-site';
import { webEnv } from './env';
import { fromDatabaseError } from './database-errors';
import { ApiError, errorResponse, formatZodError, validationError } from './errors';
import { findUnstorableText, unstorableText } from './request-text';

interface RouteContext<Body, Query, Params> {
  req: Request;
  user: SessionUser;
  body: Body;
  query: Query;
  params: Params;
}

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** `{ name: string; label: string }` for `/models/{name}/versions/{label}`: the decoded segments, checked. */
type PathParams<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? { [K in Name]: string } & PathParams<Rest> : unknown;

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

/** The operation each handler was built for (read by the tests that hold route files to the catalogue). */
export const handlerOperations = new WeakMap<object, OperationSpec>();

/** Records that `handler` serves `operation`, for handlers not built by `route()` (tus). */
export function declareHandler<H extends object>(operation: OperationSpec, handler: H): H {
  handlerOperations.set(handler, operation);
  return handler;
}

async function parseJsonBody(req: Request, schema: z.ZodType): Promise<unknown> {
  const text = await readJsonText(req);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ApiError('invalid_json', 'request body must be valid JSON');
  }
  const unstorable = findUnstorableText(raw);
  if (unstorable) throw new ApiError('validation_error', unstorable);
  const result = schema.safeParse(raw);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

function parseQuery(req: Request, schema: z.ZodType): unknown {
  const entries = [...new URL(req.url).searchParams];
  for (const [key, value] of entries) {
    const problem = unstorableText(key) ?? unstorableText(value);
    if (problem) throw new ApiError('validation_error', `query parameter ${JSON.stringify(key)}: ${problem}`);
  }
  const result = schema.safeParse(Object.fromEntries(entries));
  if (!result.success) throw validationError(result.error);
  return result.data;
}

/** Path parameters that cannot name anything (a NUL, a label past an `integer`, an id that is no UUID) are not found. */
async function parseParams(operation: OperationSpec, segment: { params: Promise<Record<string, unknown>> } | undefined): Promise<unknown> {
  const raw = segment?.params ? await segment.params : {};
  const schema = operationParams(operation);
  if (!schema) return raw;
  for (const [name, value] of Object.entries(raw)) {
    const problem = typeof value === 'string' ? unstorableText(value) : null;
    if (problem) throw new ApiError('not_found', `${name}: ${problem}`);
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new ApiError('not_found', `${formatZodError(result.error)}, so nothing has that address`);
  return result.data;
}

/**
 * Every /api/v1 handler is built here, from its operation in the catalogue: cross-site refusal, authentication
 * and role, path parameters, query and body (JSON, bounded) checked against the operation's schemas before the
 * handler runs, and one mapping of errors (database races included) to `{"error": {"code", "message"}}`.
 */
export function route<const O extends OperationSpec>(
  operation: O,
  handler: (ctx: RouteContext<Infer<O['body']>, Infer<O['query']>, PathParams<O['path']>>) => Promise<unknown>,
) {
  const respond = async (req: Request, segment: { params: Promise<Record<string, unknown>> }): Promise<Response> => {
    try {
      assertNotCrossSite(req);
      const auth = operation.auth ?? 'user';
      // Public handlers (login) never read `user`.
      const user = auth === 'public' ? (null as unknown as SessionUser) : await currentUser(req);
      if (auth !== 'public' && !user) throw new ApiError('unauthorized', 'sign in to continue');
      if (auth === 'admin' && !user!.isAdmin) throw new ApiError('forbidden', 'only platform admins can do this');
      const params = (await parseParams(operation, segment)) as PathParams<O['path']>;
      const query = operation.query ? parseQuery(req, operation.query) : undefined;
      const body = operation.body ? await parseJsonBody(req, operation.body) : undefined;
      const result = await handler({ req, user: user!, body: body as Infer<O['body']>, query: query as Infer<O['query']>, params });
      if (result instanceof Response) return result;
      return Response.json(result);
    } catch (error) {
      return errorResponse(fromDatabaseError(error) ?? error);
    }
  };
  return declareHandler(operation, respond);
}
