import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverContext } from './context';
import { type CallOptions, callRoute, closeServerContext, type Handler, routeHandlers, seedRouteFixture } from './route-harness';

/** Two callers doing the same thing at the same moment: one of them wins, the other hears why in the error format. */
describe('requests racing each other', () => {
  let handlers: Map<string, Handler>;
  let fixture: Awaited<ReturnType<typeof seedRouteFixture>>;

  beforeAll(async () => {
    handlers = await routeHandlers();
    fixture = await seedRouteFixture();
  });
  afterAll(closeServerContext);

  const call = async (key: string, options: Omit<CallOptions, 'method' | 'path'>) => {
    const [method, path] = key.split(' ') as [string, string];
    const response = await callRoute(handlers.get(key)!, { method, path, ...options });
    return { status: response.status, body: response.status === 204 ? null : ((await response.json()) as { error?: { code: string } }) };
  };

  it('the same new artifact uploaded at once by several callers: one new version, the others that version, deduplicated', async () => {
    const artifact = await readFile(new URL('../../../../models/iris/iris.onnx', import.meta.url));
    const upload = () =>
      call('POST /models/{name}/versions', {
        params: { name: fixture.name },
        query: { filename: 'iris.onnx' },
        headers: { ...fixture.callers.member, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(artifact),
      });
    const answers = await Promise.all(Array.from({ length: 4 }, upload));
    const statuses = answers.map((a) => a.status);
    expect(
      statuses.filter((s) => s === 202),
      JSON.stringify(answers),
    ).toHaveLength(1);
    expect(statuses.filter((s) => s !== 202 && s !== 200 && s !== 409)).toEqual([]);
    for (const refused of answers.filter((a) => a.status === 409)) expect(refused.body?.error?.code).toBe('conflict');
    const versions = await serverContext().db.modelVersion.count({ where: { model: { name: fixture.name } } });
    expect(versions).toBe(2);
  });

  it('one version deleted twice at once: 204, then 404', async () => {
    const remove = () => call('DELETE /models/{name}/versions/{label}', { params: { name: fixture.name, label: '2' }, headers: fixture.callers.member });
    const answers = await Promise.all([remove(), remove()]);
    expect(answers.map((a) => a.status).sort()).toEqual([204, 404]);
    expect(answers.find((a) => a.status === 404)!.body?.error?.code).toBe('not_found');
  });
});
