import { afterAll, describe, expect, it } from 'vitest';
import { API_OPERATIONS } from './api-catalogue';
import { controlPlaneOpenApi } from './control-plane-openapi';
import { handlerOperations } from './route';
import { closeServerContext, routeHandlers } from './route-harness';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

describe('the control plane’s catalogue of operations', () => {
  afterAll(closeServerContext);

  it('gives every operation of the OpenAPI document a unique operationId in camelCase', () => {
    const document = controlPlaneOpenApi('http://127.0.0.1:3000') as unknown as { paths: Record<string, Record<string, { operationId?: string }>> };
    const ids = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({ at: `${m.toUpperCase()} ${path}`, id: item[m]!.operationId })),
    );
    expect(ids.length).toBe(API_OPERATIONS.length);
    expect(ids.filter((o) => !o.id).map((o) => o.at)).toEqual([]);
    expect(ids.filter((o) => !/^[a-z][a-zA-Z0-9]*$/.test(o.id!)).map((o) => o.id)).toEqual([]);
    expect(new Set(ids.map((o) => o.id)).size).toBe(ids.length);
    // Stable: generated clients are named by them, so a rename is a breaking change made on purpose (update the snapshot).
    expect(Object.fromEntries(ids.map((o) => [o.at, o.id]))).toMatchSnapshot();
  });

  it('declares each operation once, and each route file exports exactly the catalogue’s handlers for its path', async () => {
    const keys = API_OPERATIONS.map((o) => `${o.method} ${o.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    const handlers = await routeHandlers();
    for (const operation of API_OPERATIONS) {
      const handler = handlers.get(`${operation.method} ${operation.path}`);
      expect(handler, `${operation.operationId}: no route file exports ${operation.method} for ${operation.path}`).toBeDefined();
      const declared = handlerOperations.get(handler!);
      expect(declared && `${declared.method} ${declared.path}`, operation.operationId).toBe(`${operation.method} ${operation.path}`);
    }
    // Every exported handler is built from a catalogued operation of its own method (`[[...id]]` serves a path with and without the id).
    const strays = [...handlers].filter(([key, handler]) => {
      const declared = handlerOperations.get(handler);
      return !declared || !keys.includes(`${declared.method} ${declared.path}`) || !key.startsWith(`${declared.method} `);
    });
    expect(strays.map(([key]) => key)).toEqual([]);
  });
});
