import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { generateApiKey } from '@slipway/db';
import { seedDeployment } from '@slipway/testkit';
import { serverContext } from './context';

/**
 * For tests: the control plane's route handlers called in process, as Next.js calls them (a web `Request` and the
 * decoded path parameters), against the test database. Not imported by the app.
 */
export type Handler = (req: Request, segment: { params: Promise<Record<string, unknown>> }) => Promise<Response>;

const API_DIR = path.resolve(import.meta.dirname, '../../app/api/v1');

/** `METHOD /path` → handler, for every handler a route file exports (`[name]` → `{name}`; `[[...id]]` with and without it). */
export async function routeHandlers(): Promise<Map<string, Handler>> {
  const files = (await readdir(API_DIR, { recursive: true })).filter((f) => path.basename(f) === 'route.ts').sort();
  const handlers = new Map<string, Handler>();
  for (const file of files) {
    const dir = path.dirname(file) === '.' ? '' : `/${path.dirname(file).split(path.sep).join('/')}`;
    const module = (await import(path.join(API_DIR, file))) as Record<string, unknown>;
    const optional = /\/\[\[\.\.\.(\w+)\]\]$/.exec(dir);
    const paths = optional ? [dir.slice(0, optional.index), `${dir.slice(0, optional.index)}/{${optional[1]}}`] : [dir];
    for (const [method, handler] of Object.entries(module)) {
      if (!/^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/.test(method) || typeof handler !== 'function') continue;
      for (const p of paths) handlers.set(`${method} ${p.replace(/\[(\w+)\]/g, '{$1}')}`, handler as Handler);
    }
  }
  return handlers;
}

export interface CallOptions {
  method: string;
  /** OpenAPI path under /api/v1 with `{param}`s. */
  path: string;
  /** Decoded values, as Next.js hands them to the handler. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as is (a string or bytes) or as JSON. */
  body?: unknown;
}

/** A URL for the request (the handlers read parameters from `params`, the query from the URL). */
function urlOf(options: CallOptions): string {
  const encode = (value: string) => {
    try {
      return encodeURIComponent(value);
    } catch {
      return 'x'; // a lone surrogate has no percent-encoding; the handler reads the decoded value from `params`
    }
  };
  const pathname = options.path.replace(/\{(\w+)\}/g, (_, name: string) => encode(options.params?.[name] ?? ''));
  const search = options.query ? `?${new URLSearchParams(options.query)}` : '';
  return `http://127.0.0.1:3000/api/v1${pathname}${search}`;
}

export async function callRoute(handler: Handler, options: CallOptions): Promise<Response> {
  const headers = new Headers(options.headers);
  let body: BodyInit | undefined;
  if (options.body instanceof Uint8Array) body = new Blob([options.body as Uint8Array<ArrayBuffer>]);
  else if (options.body !== undefined && options.method !== 'GET' && options.method !== 'HEAD') {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const req = new Request(urlOf(options), { method: options.method, headers, body });
  return handler(req, { params: Promise.resolve(options.params ?? {}) });
}

export interface Callers {
  admin: Record<string, string>;
  member: Record<string, string>;
  anonymous: Record<string, string>;
}

/** A deployment (with its team, model v1 and a member holding an API key), and a platform admin's API key. */
export async function seedRouteFixture() {
  const { db, store } = serverContext();
  const name = `fx-${randomUUID().slice(0, 8)}`;
  const seeded = await seedDeployment(db, name, ['primary']);
  // The version's artifact is really stored, so downloading it works.
  const staged = await store.stage(Readable.from([Buffer.from(`artifact of ${name}`)]), { maxBytes: 1024 });
  await staged.commit();
  await db.modelVersion.updateMany({ where: { model: { name } }, data: { digest: staged.digest, sizeBytes: staged.sizeBytes } });
  const adminKey = generateApiKey();
  await db.user.create({
    data: {
      email: `admin-${name}@example.com`,
      name: 'admin',
      passwordHash: 'x',
      isAdmin: true,
      apiKeys: { create: { name: 'admin', prefix: adminKey.prefix, hash: adminKey.hash } },
    },
  });
  const callers: Callers = {
    admin: { authorization: `Bearer ${adminKey.key}` },
    member: { authorization: `Bearer ${seeded.key}` },
    anonymous: {},
  };
  return { name, teamId: seeded.teamId, deploymentId: seeded.deployment.id, callers };
}

/** Ends the test process's database pool and Redis connection. */
export async function closeServerContext(): Promise<void> {
  const { db, redis } = serverContext();
  await db.$disconnect();
  redis.disconnect();
}
