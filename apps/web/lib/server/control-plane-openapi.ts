import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { errorStatus } from '@slipway/core';
import { z } from 'zod';
import { API_OPERATIONS, type Access, type Operation, operationParams } from './api-catalogue';
import { SESSION_COOKIE } from './auth';
import type { ApiErrorCode } from './errors';

function accessOf(operation: Operation): Access {
  if (operation.access) return operation.access;
  if (operation.auth === 'public') return 'public';
  if (operation.auth === 'admin') return 'platform admin';
  return operation.teamRole ? `team ${operation.teamRole}` : 'signed-in';
}

/** The errors an operation can answer: what its declaration implies, and what the catalogue adds. */
function errorCodes(operation: Operation, access: Access): ApiErrorCode[] {
  const codes = new Set<ApiErrorCode>();
  if (access !== 'public') codes.add('unauthorized');
  if (access === 'platform admin') codes.add('forbidden');
  // A team resource the caller cannot see is "not found"; one they see with too small a role is "forbidden".
  if (access === 'team viewer' || access === 'team member') codes.add('not_found');
  if (access === 'team member') codes.add('forbidden');
  // A path parameter that cannot name anything (no UUID, a label past its column) is not found either.
  if (operationParams(operation)) codes.add('not_found');
  if (operation.body) codes.add('invalid_json').add('validation_error');
  if (operation.query) codes.add('validation_error');
  for (const code of operation.errors ?? []) codes.add(code);
  return [...codes];
}

/** A `validation_error` also names each refused field with a plain sentence (`fields`). */
const fieldProblems = z.array(z.object({ field: z.string(), message: z.string() })).optional();
const errorBody = (codes: readonly string[]) =>
  z.object({
    error: z.object({
      code: z.enum(codes as [string, ...string[]]),
      message: z.string(),
      ...(codes.includes('validation_error') && { fields: fieldProblems }),
    }),
  });

/**
 * The control plane's OpenAPI 3.1 document, generated from the catalogue of routes and the zod schemas each
 * handler validates with, so it cannot drift from what the handlers accept.
 */
export function controlPlaneOpenApi(origin: string) {
  document ??= generateDocument();
  return { ...document, servers: [{ url: `${origin.replace(/\/$/, '')}/api/v1` }] };
}

/** Generated once per process: the catalogue does not change while it runs. */
let document: ReturnType<typeof generateDocument> | undefined;

function generateDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /auth/login.' });
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer $SLIPWAY_KEY`.' });
  for (const operation of API_OPERATIONS) {
    const access = accessOf(operation);
    const byStatus = new Map<number, ApiErrorCode[]>();
    for (const code of errorCodes(operation, access)) byStatus.set(errorStatus(code), [...(byStatus.get(errorStatus(code)) ?? []), code]);
    const responses: RouteConfig['responses'] = {
      [String(operation.status ?? 200)]: {
        description: operation.summary,
        ...(operation.status !== 204 && { content: { 'application/json': { schema: { type: 'object' } } } }),
      },
    };
    for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
      responses[String(status)] = { description: codes.map((c) => `\`${c}\``).join(', '), content: { 'application/json': { schema: errorBody(codes) } } };
    }
    const body = operation.body
      ? { required: true, content: { 'application/json': { schema: operation.body } } }
      : operation.rawBody
        ? { required: true, content: { [operation.rawBody]: { schema: { type: 'string' as const, format: 'binary' } } } }
        : undefined;
    const params = operationParams(operation);
    registry.registerPath({
      method: operation.method.toLowerCase() as RouteConfig['method'],
      path: operation.path,
      operationId: operation.operationId,
      summary: operation.summary,
      description: `Access: ${access}.`,
      tags: [operation.path.split('/')[1]!],
      security: access === 'public' ? [] : [{ session: [] }, { apiKey: [] }],
      'x-slipway-access': access,
      request: {
        ...(params && { params }),
        ...(operation.query && { query: operation.query as z.ZodObject }),
        ...(body && { body }),
      },
      responses,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Slipway control plane API',
      version: '1',
      description: 'Models, versions, deployments, API keys, teams. Errors are always `{"error": {"code", "message"}}`.',
    },
    security: [{ session: [] }, { apiKey: [] }],
  });
}
