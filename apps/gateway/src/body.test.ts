import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBody } from './body';
import { bearerOf, tokenMatches } from './credentials';
import { listen } from './test-support';

describe('request body reader', () => {
  it('reads a body up to the limit, and refuses one past it by its length or by what arrives', async () => {
    const outcomes: string[] = [];
    const server = await listen((req, res) => {
      readBody(req, 16).then(
        (body) => res.end(`read ${body.toString()}`),
        (error) => res.writeHead(error instanceof BodyTooLargeError ? 413 : 500).end(),
      );
    });
    try {
      for (const body of ['{"x":1}', 'x'.repeat(17)]) {
        const response = await fetch(server.url, { method: 'POST', body });
        outcomes.push(`${response.status} ${await response.text()}`);
      }
      // Chunked, with no length announced: refused once more than the limit has arrived.
      const chunked = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('x'.repeat(10)));
          controller.enqueue(new TextEncoder().encode('x'.repeat(10)));
          controller.close();
        },
      });
      const response = await fetch(server.url, { method: 'POST', body: chunked, duplex: 'half' } as RequestInit);
      outcomes.push(`${response.status} ${await response.text()}`);
    } finally {
      await server.close();
    }
    expect(outcomes).toEqual(['200 read {"x":1}', '413 ', '413 ']);
  });
});

describe('credentials', () => {
  it('reads a bearer token and compares secrets whatever their length', async () => {
    const server = await listen((req, res) => res.end(JSON.stringify({ bearer: bearerOf(req) ?? null })));
    try {
      const read = (authorization?: string) => fetch(server.url, { headers: authorization ? { authorization } : {} }).then((r) => r.json());
      expect(await read('Bearer  abc ')).toEqual({ bearer: 'abc' });
      expect(await read('Basic abc')).toEqual({ bearer: null });
      expect(await read()).toEqual({ bearer: null });
    } finally {
      await server.close();
    }
    expect(tokenMatches('secret', 'secret')).toBe(true);
    expect(tokenMatches('secret-but-longer', 'secret')).toBe(false);
    expect(tokenMatches(undefined, 'secret')).toBe(false);
  });
});
