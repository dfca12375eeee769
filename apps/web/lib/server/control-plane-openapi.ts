import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { errorStatus } from '@slipway/core';
import { z } from 'zod';
import { API_CATALOGUE, type Access, type CatalogueOperation, type HttpMethod } from './api-catalogue';
import { SESSION_COOKIE } from './auth';
import type { ApiErrorCode } from './errors';
import { declaredRoutes } from './route';

function accessOf(operation: CatalogueOperation, auth: 'public' | 'user' | 'admin' | undefined): Access {
  if (operation.access) return operation.access;
  if (auth === 'public') return 'public';
  if (auth === 'admin') return 'platform admin';
  return operation.teamRole ? `team ${operation.teamRole}` : 'signed-in';
}

/** The errors an operation can answer: what its declaration implies, and what the catalogue adds. */
function errorCodes(operation: CatalogueOperation, access: Access, declared: { body?: unknown; query?: unknown } | undefined): ApiErrorCode[] {
  const codes = new Set<ApiErrorCode>();
  if (access !== 'public') codes.add('unauthorized');
  if (access === 'platform admin') codes.add('forbidden');
  // A team resource the caller cannot see is "not found"; one they see with too small a role is "forbidden".
  if (access === 'team viewer' || access === 'team member') codes.add('not_found');
  if (access === 'team member') codes.add('forbidden');
  if (declared?.body) codes.add('invalid_json').add('validation_error');
  if (declared?.query) codes.add('validation_error');
  for (const code of operation.errors ?? []) codes.add(code);
  return [...codes];
}

const errorBody = (codes: readonly string[]) => z.object({ error: z.object({ code: z.enum(codes as [string, ...string[]]), message: z.string() }) });

/**
 * The control plane's OpenAPI 3.1 document, generated from the catalogue of routes and the zod schemas each
 * handler validates with, so it cannot drift from what the handlers accept.
 */
export function controlPlaneOpenApi(origin: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /auth/login.' });
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer $SLIPWAY_KEY`.' });
  for (const entry of API_CATALOGUE) {
    const paramNames = [...entry.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const params = paramNames.length ? z.object(Object.fromEntries(paramNames.map((p) => [p, z.string()]))) : undefined;
    for (const [method, operation] of Object.entries(entry.operations) as [HttpMethod, CatalogueOperation][]) {
      const handler = entry.module[method];
      if (typeof handler !== 'function') throw new Error(`the API catalogue lists ${method} ${entry.path}, but its route module exports no ${method}`);
      const declared = declaredRoutes.get(handler);
      const access = accessOf(operation, declared?.auth);
      const byStatus = new Map<number, ApiErrorCode[]>();
      for (const code of errorCodes(operation, access, declared)) byStatus.set(errorStatus(code), [...(byStatus.get(errorStatus(code)) ?? []), code]);
      const responses: RouteConfig['responses'] = {
        [String(operation.status ?? 200)]: {
          description: operation.summary,
          ...(operation.status !== 204 && { content: { 'application/json': { schema: { type: 'object' } } } }),
        },
      };
      for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
        responses[String(status)] = { description: codes.map((c) => `\`${c}\``).join(', '), content: { 'application/json': { schema: errorBody(codes) } } };
      }
      const body = declared?.body
        ? { required: true, content: { 'application/json': { schema: declared.body } } }
        : operation.rawBody
          ? { required: true, content: { [operation.rawBody]: { schema: { type: 'string' as const, format: 'binary' } } } }
          : undefined;
      registry.registerPath({
        method: method.toLowerCase() as RouteConfig['method'],
        path: entry.path,
        summary: operation.summary,
        description: `Access: ${access}.`,
        tags: [entry.path.split('/')[1]!],
        security: access === 'public' ? [] : [{ session: [] }, { apiKey: [] }],
        'x-slipway-access': access,
        request: {
          ...(params && { params }),
          ...(declared?.query && { query: declared.query as z.ZodObject }),
          ...(body && { body }),
        },
        responses,
      });
    }
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Slipway control plane API',
      version: '1',
      description: 'Models, versions, deployments, API keys, teams. Errors are always `{"error": {"code", "message"}}`.',
    },
    servers: [{ url: `${origin.replace(/\/$/, '')}/api/v1` }],
    security: [{ session: [] }, { apiKey: [] }],
  });
}
