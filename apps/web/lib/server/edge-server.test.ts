import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { ERROR_CATALOGUE } from '@slipway/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeServer, EDGE_REFUSALS, type EdgeRefusalCode, hasMalformedEscape } from '../../edge.mjs';

/** Sends raw bytes and reads the whole answer (the server closes the connection after a refusal). */
function rawRequest(port: number, text: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => {
      const answer = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
  });
}

describe('the web server’s own refusals', () => {
  let port: number;
  const reached: string[] = [];
  const server = createEdgeServer(
    (req, res) => {
      reached.push(req.url ?? '');
      res.end('next');
    },
    { trustProxy: false },
  );

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('uses the error catalogue’s codes and statuses', () => {
    for (const [code, { status }] of Object.entries(EDGE_REFUSALS)) {
      expect(ERROR_CATALOGUE[code as EdgeRefusalCode].status, code).toBe(status);
    }
  });

  it('answers a malformed percent-escape in the path with 400 in the error format, before the app sees it', async () => {
    expect([hasMalformedEscape('/api/v1/models/x%E0'), hasMalformedEscape('/a/%zz'), hasMalformedEscape('/a/%C3%A9?q=%E0')]).toEqual([true, true, false]);
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/models/x%E0`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ error: { code: 'bad_request', message: expect.stringContaining('percent-escape') } });
    expect(await (await fetch(`http://127.0.0.1:${port}/api/v1/models/%C3%A9`)).text()).toBe('next');
    expect(reached).toEqual(['/api/v1/models/%C3%A9']);
  });

  it('answers a URL over 16 KB with 431 and a request it cannot parse with 400, both in the error format', async () => {
    const long = await rawRequest(port, `GET /api/v1/models/${'a'.repeat(17 * 1024)} HTTP/1.1\r\nhost: x\r\n\r\n`);
    expect(long.status).toBe(431);
    expect(long.headers).toContain('content-type: application/json');
    expect(JSON.parse(long.body)).toEqual({ error: { code: 'headers_too_large', message: expect.any(String) } });
    const garbage = await rawRequest(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body)).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
  });
});
