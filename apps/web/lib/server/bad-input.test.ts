import { ERROR_CATALOGUE, type ErrorCode } from '@slipway/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_OPERATIONS, type Operation } from './api-catalogue';
import { type CallOptions, type Callers, callRoute, closeServerContext, type Handler, routeHandlers, seedRouteFixture } from './route-harness';

/**
 * Every operation of the control plane, driven with what callers get wrong: path parameters, query strings and
 * bodies that are malformed, out of range, or carry NUL bytes and lone UTF-16 surrogates, as a platform admin,
 * as a team member with an API key and anonymously. None may answer 5xx; every refusal is the catalogue's.
 */

const catalogueOperations = () => API_OPERATIONS;

const LONE_SURROGATES = ['\ud800', 'a\udfff', '\udc00\ud800', 'x\ud83d'];
const NAUGHTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  ...LONE_SURROGATES,
  'not-a-uuid',
  '00000000-0000-0000-0000-00000000000g',
  '99999999999999999999',
  '2147483648',
  '-1',
  '0',
  '1.5',
  'v99999999999',
  '%E0',
  '../../etc/passwd',
  'a'.repeat(300),
  '🙂',
  'true',
  'null',
];
const NAUGHTY_NUMBERS = [2147483648, -2147483649, 2 ** 53, 1e20, -1, 0, 1.5, 1e308, Number.MAX_SAFE_INTEGER, -0];

/** Any UTF-16 code units: NULs, controls and lone surrogates included. */
const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 }).map((units) => String.fromCharCode(...units));
const naughtyString = fc.oneof(fc.constantFrom(...NAUGHTY_STRINGS), codeUnits, fc.string({ maxLength: 12 }));
const naughtyNumber = fc.oneof(fc.constantFrom(...NAUGHTY_NUMBERS), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const naughtyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    naughtyString,
    naughtyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(naughtyString, tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** Objects with the schema's own fields (so a wrong value can get past the fields that are right) and others. */
function bodyFor(schema: z.ZodType | undefined): fc.Arbitrary<unknown> {
  const keys = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const shaped = keys.length ? fc.record(Object.fromEntries(keys.map((k) => [k, naughtyValue])), { requiredKeys: [] }) : fc.constant({});
  return fc.oneof(
    shaped,
    shaped.chain((o) => fc.dictionary(naughtyString, naughtyValue, { maxKeys: 2 }).map((extra) => ({ ...extra, ...(o as object) }))),
    naughtyValue,
    // Not JSON at all, or JSON with escapes that decode to NULs and lone surrogates.
    fc.constantFrom('{', '{"a":', 'nul', '\u0000', '{"name":"a\\u0000"}', '{"name":"\\ud800"}', '[1,2', '"\\udfff"'),
  );
}

function queryFor(schema: z.ZodType | undefined): fc.Arbitrary<Record<string, string>> {
  const keys = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const known = keys.length ? fc.record(Object.fromEntries(keys.map((k) => [k, naughtyString])), { requiredKeys: [] }) : fc.constant({});
  return fc.tuple(known, fc.dictionary(naughtyString, naughtyString, { maxKeys: 2 })).map(([a, b]) => ({ ...b, ...a }) as Record<string, string>);
}

/** The tus metadata header (base64 values), with a naughty filename or model. */
const tusMetadata = fc
  .tuple(fc.oneof(fc.constant('m.onnx'), naughtyString), naughtyString)
  .map(([filename, model]) => `filename ${Buffer.from(filename).toString('base64')},model ${Buffer.from(model).toString('base64')}`);

const isErrorBody = (body: unknown): body is { error: { code: string; message: string } } =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as { error?: { code?: unknown } }).error?.code === 'string' &&
  typeof (body as { error: { message?: unknown } }).error.message === 'string';

describe('the control plane refuses bad input with 4xx in the error format, never 5xx', () => {
  let handlers: Map<string, Handler>;
  let fixture: Awaited<ReturnType<typeof seedRouteFixture>>;

  beforeAll(async () => {
    handlers = await routeHandlers();
    fixture = await seedRouteFixture();
  });
  afterAll(closeServerContext);

  /** Calls one operation and checks the answer; returns a description of what was wrong, or nothing. */
  async function check(operation: Operation, call: CallOptions): Promise<void> {
    const handler = handlers.get(`${operation.method} ${operation.path}`);
    if (!handler) throw new Error(`no handler for ${operation.method} ${operation.path}`);
    const response = await callRoute(handler, call);
    const text = await response.text();
    const where = `${call.method} ${call.path} ${JSON.stringify({ params: call.params, query: call.query, body: call.body })} → ${response.status} ${text.slice(0, 300)}`;
    // No gateway runs in this test: "try it" may only say so.
    const unreachableGateway = operation.path.endsWith('/try') && response.status === 502;
    expect(response.status < 500 || unreachableGateway, where).toBe(true);
    if (response.status < 400 || call.method === 'HEAD') return;
    const body: unknown = JSON.parse(text);
    expect(isErrorBody(body), where).toBe(true);
    const { code } = (body as { error: { code: string } }).error;
    expect(Object.hasOwn(ERROR_CATALOGUE, code), where).toBe(true);
    expect(ERROR_CATALOGUE[code as ErrorCode].status, where).toBe(response.status);
  }

  const callersArb = () => fc.constantFrom<keyof Callers>('admin', 'member', 'anonymous');

  it('for every operation in the catalogue', async () => {
    const operations = catalogueOperations();
    expect(operations.length).toBeGreaterThan(60);
    for (const operation of operations) {
      const paramNames = [...operation.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const valid: Record<string, string> = { name: fixture.name, label: '1', id: fixture.teamId };
      const params = fc.record(Object.fromEntries(paramNames.map((p) => [p, fc.oneof(fc.constant(valid[p] ?? 'x'), naughtyString)])));
      const sendsJson = operation.body !== undefined || operation.path.endsWith('/try');
      const tus = operation.path.startsWith('/uploads');
      const headers = tus
        ? tusMetadata.map((metadata) => ({ 'tus-resumable': '1.0.0', 'upload-length': '10', 'upload-metadata': metadata }) as Record<string, string>)
        : fc.constant({} as Record<string, string>);
      await fc.assert(
        fc.asyncProperty(
          callersArb(),
          params,
          queryFor(operation.query),
          sendsJson ? bodyFor(operation.body) : fc.constant(undefined),
          headers,
          async (caller, p, query, body, extra) => {
            await check(operation, {
              method: operation.method,
              path: operation.path,
              params: p,
              query,
              body,
              headers: { ...fixture.callers[caller], ...extra },
            });
          },
        ),
        { numRuns: 15 },
      );
    }
  }, 120_000);

  it('for the cases found from outside', async () => {
    const { admin } = fixture.callers;
    const cases: [string, CallOptions][] = [
      ['DELETE /api-keys/{id}', { method: 'DELETE', path: '/api-keys/{id}', params: { id: 'not-a-uuid' }, headers: admin }],
      ['GET /models/{name}', { method: 'GET', path: '/models/{name}', params: { name: '\u0000' }, headers: admin }],
      ['POST /api-keys', { method: 'POST', path: '/api-keys', body: '{"name":"a\\u0000"}', headers: admin }],
      ['POST /api-keys', { method: 'POST', path: '/api-keys', body: '{"name":"a\\ud800"}', headers: admin }],
      [
        'GET /models/{name}/versions/{label}',
        { method: 'GET', path: '/models/{name}/versions/{label}', params: { name: fixture.name, label: '99999999999999999999' }, headers: admin },
      ],
      [
        'POST /deployments/{name}/rollback',
        { method: 'POST', path: '/deployments/{name}/rollback', params: { name: fixture.name }, body: { revision: 2147483648 }, headers: admin },
      ],
      [
        'GET /deployments/{name}/performance',
        { method: 'GET', path: '/deployments/{name}/performance', params: { name: fixture.name }, query: { variant: '\u0000' }, headers: admin },
      ],
      [
        'POST /uploads',
        {
          method: 'POST',
          path: '/uploads',
          headers: {
            ...admin,
            'tus-resumable': '1.0.0',
            'upload-length': '10',
            'upload-metadata': `filename ${btoa('m.onnx')},model ${Buffer.from(`${fixture.name}\u0000`).toString('base64')}`,
          },
        },
      ],
    ];
    const operations = new Map(catalogueOperations().map((o) => [`${o.method} ${o.path}`, o]));
    for (const [key, call] of cases) await check(operations.get(key)!, call);
  });
});
