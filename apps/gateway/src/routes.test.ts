import { describe, expect, it } from 'vitest';
import { INFERENCE_ROUTES, matchRoute, pathOf, RouteTable } from './routes';
import { listen } from './test-support';

describe('inference routes', () => {
  it('maps each protocol path onto its deployment and the runtime path', () => {
    expect(matchRoute('POST', '/models/iris/predict')).toEqual({ deploymentName: 'iris', upstreamPath: '/predict', protocol: 'slipway' });
    expect(matchRoute('POST', '/v2/models/iris/versions/3/infer')).toEqual({
      deploymentName: 'iris',
      upstreamPath: '/v2/models/iris/versions/3/infer',
      protocol: 'oip',
    });
    expect(matchRoute('GET', '/v2/models/iris/ready')).toMatchObject({ deploymentName: 'iris', protocol: 'oip' });
    expect(matchRoute('POST', '/v1/models/iris:predict')).toMatchObject({ deploymentName: 'iris', protocol: 'kserve-v1' });
    expect(matchRoute('GET', '/models/iris/predict')).toBeUndefined();
    expect(matchRoute('POST', '/models/Iris/predict')).toBeUndefined();
    expect(INFERENCE_ROUTES.map((k) => k.name)).toEqual(['predict', 'oip-infer', 'oip-metadata', 'kserve-v1-predict']);
  });

  it('reads the path without its query', () => {
    expect(pathOf('/models/iris/predict?x=1')).toBe('/models/iris/predict');
    expect(pathOf(undefined)).toBe('/');
  });
});

describe('route table', () => {
  it('hands a request to the first kind that matches, and takes a new kind of route as one more entry', async () => {
    const table = new RouteTable()
      .add({ name: 'health', match: (_m, path) => (path === '/healthz' ? true : undefined), handle: (_req, res) => void res.end('ok') })
      .add({
        // What a service deployment's routes would be: any path under its prefix, forwarded as is.
        name: 'service',
        match: (_method, path) => /^\/services\/([a-z0-9-]+)(\/.*)?$/.exec(path) ?? undefined,
        handle: (req, res, m) => void res.end(JSON.stringify({ service: m[1], path: m[2] ?? '/', method: req.method })),
      });
    const server = await listen((req, res) => {
      if (!table.dispatch(req, res, pathOf(req.url))) res.writeHead(404).end('none');
    });
    try {
      expect(await (await fetch(`${server.url}/healthz`)).text()).toBe('ok');
      const service = await fetch(`${server.url}/services/shop/cart/items?page=2`, { method: 'DELETE' });
      expect(await service.json()).toEqual({ service: 'shop', path: '/cart/items', method: 'DELETE' });
      const missing = await fetch(`${server.url}/nowhere`);
      expect([missing.status, await missing.text()]).toEqual([404, 'none']);
      expect(table.find('GET', '/services/shop')?.kind.name).toBe('service');
    } finally {
      await server.close();
    }
  });
});
