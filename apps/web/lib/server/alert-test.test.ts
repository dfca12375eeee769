import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendTestNotification } from './alert-test';

const rule = { id: 'rule-1', kind: 'error_rate', threshold: 0.1 };
const servers: ReturnType<typeof createServer>[] = [];

/** A real webhook receiver on loopback answering `status`, keeping the bodies it got. */
async function receiver(status: number): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    bodies.push(JSON.parse(text));
    res.writeHead(status).end();
  }).listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('sendTestNotification', () => {
  it('posts a marked test notification and says it was delivered', async () => {
    const hook = await receiver(200);
    expect(await sendTestNotification(hook.url, rule, 'iris', new Date(0))).toEqual({ delivered: true, message: 'delivered: the webhook answered HTTP 200' });
    expect(hook.bodies).toEqual([expect.objectContaining({ text: expect.stringContaining('test notification') })]);
  });

  it('says why a refused or unreachable webhook failed', async () => {
    const refusing = await receiver(404);
    expect(await sendTestNotification(refusing.url, rule, 'iris', new Date(0))).toEqual({
      delivered: false,
      message: 'the webhook answered HTTP 404 Not Found',
    });
    const gone = await receiver(200);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const result = await sendTestNotification(gone.url, rule, 'iris', new Date(0));
    expect(result.message).toMatch(/^connection refused by 127\.0\.0\.1:\d+: nothing listens there$/);
  });
});
